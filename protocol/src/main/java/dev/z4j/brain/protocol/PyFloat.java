package dev.z4j.brain.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Renders a double exactly as CPython's {@code repr(float)} (docs/PROTOCOL.md 5.8): shortest
 * round-tripping digits, fixed notation for 1e-4 <= |x| < 1e16, otherwise {@code d.ddde+XX}.
 */
public final class PyFloat {
    private PyFloat() {}

    /** @throws ProtocolException for NaN and infinities, which Python refuses to serialise */
    public static String repr(double x) {
        StringBuilder sb = new StringBuilder(24);
        append(x, sb);
        return sb.toString();
    }

    public static void append(double x, StringBuilder out) {
        if (!Double.isFinite(x)) {
            throw new ProtocolException(ProtocolException.Reason.MALFORMED,
                    "out of range float values are not JSON compliant: " + x);
        }
        if (x == 0.0) {
            out.append(Double.doubleToRawLongBits(x) < 0 ? "-0.0" : "0.0");
            return;
        }
        if (x < 0) {
            out.append('-');
            x = -x;
        }
        // JDK 19+ Double.toString yields the shortest decimal that round-trips (Schubfach).
        String s = Double.toString(x);
        int ePos = s.indexOf('E');
        String mantissa = ePos < 0 ? s : s.substring(0, ePos);
        int exp = ePos < 0 ? 0 : Integer.parseInt(s, ePos + 1, s.length(), 10);
        int dot = mantissa.indexOf('.');
        StringBuilder digits = new StringBuilder(20);
        digits.append(mantissa, 0, dot).append(mantissa, dot + 1, mantissa.length());
        int decpt = dot + exp; // value = 0.DIGITS x 10^decpt
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits.delete(0, lead);
        decpt -= lead;
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits.setLength(end);
        if (digits.length() == 2) {
            // Java may pick a closer 2-digit decimal where a 1-digit one already round-trips
            // (e.g. 4.9E-324); Python always prefers the shorter one.
            BigDecimal one = new BigDecimal(x).round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (one.doubleValue() == x) {
                digits.setLength(0);
                digits.append(one.unscaledValue().abs().toString());
                decpt = one.precision() - one.scale();
                // unscaledValue may be a single digit; precision-scale gives the decimal point
                while (digits.length() > 1 && digits.charAt(digits.length() - 1) == '0') {
                    digits.setLength(digits.length() - 1);
                }
            }
        }
        format(digits, decpt, out);
    }

    private static void format(CharSequence digits, int decpt, StringBuilder out) {
        int n = digits.length();
        if (decpt <= -4 || decpt > 16) {
            out.append(digits.charAt(0));
            if (n > 1) {
                out.append('.').append(digits, 1, n);
            }
            int e = decpt - 1;
            out.append('e').append(e < 0 ? '-' : '+');
            int abs = Math.abs(e);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (decpt <= 0) {
            out.append("0.");
            for (int i = 0; i < -decpt; i++) {
                out.append('0');
            }
            out.append(digits);
        } else if (decpt >= n) {
            out.append(digits);
            for (int i = 0; i < decpt - n; i++) {
                out.append('0');
            }
            out.append(".0");
        } else {
            out.append(digits, 0, decpt).append('.').append(digits, decpt, n);
        }
    }
}
