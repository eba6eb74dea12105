package dev.z4j.brain.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses JSON into plain Java values the way Python's {@code json.loads} sees them:
 * objects are {@link LinkedHashMap} (duplicate keys: last value wins, first position kept),
 * arrays {@link ArrayList}, strings {@link String}, integers {@link Long} or {@link BigInteger}
 * (decided lexically: no '.', 'e' or 'E'), floats {@link Double}, booleans, and JSON null as Java
 * {@code null}.
 *
 * <p>The limits are the reference's own (Python's {@code json} with its defaults), so that anything
 * an agent could sign can be read here: nesting up to {@link #MAX_DEPTH}, numbers up to
 * {@link #MAX_NUMBER_DIGITS} digits. Beyond them a {@link ProtocolException} with reason
 * TOO_COMPLEX; anything else wrong (invalid UTF-8, trailing data, lone surrogates, non-finite
 * numbers) is reason MALFORMED; no other exception escapes.
 */
public final class Json {
    /** Deepest nesting accepted: Python's default recursion limit. Real agent frames nest about 8 levels. */
    public static final int MAX_DEPTH = 1000;
    /** Longest number accepted: Python refuses to read or write an int of more digits (int_max_str_digits). */
    public static final int MAX_NUMBER_DIGITS = 4300;

    private static final JsonFactory FACTORY = JsonBuffers.factory()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION) // never echo agent bytes into messages
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 1)
                    .maxNumberLength(MAX_NUMBER_DIGITS)
                    .maxStringLength(64 * 1024 * 1024)
                    .build())
            .build();

    private Json() {}

    public static Object parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }

    public static Object parse(byte[] bytes, int offset, int length) {
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw malformed("empty message");
            }
            Object value = read(p, first, 0);
            if (p.nextToken() != null) {
                throw malformed("extra data after the JSON value");
            }
            return value;
        } catch (ProtocolException e) {
            throw e;
        } catch (StreamConstraintsException e) {
            throw tooComplex(firstLine(e.getMessage()));
        } catch (IOException | RuntimeException e) {
            // Jackson reports bad UTF-8, bad tokens and constraint breaches as IOExceptions.
            throw malformed("invalid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static Object read(JsonParser p, JsonToken t, int depth) throws IOException {
        switch (t) {
            case START_OBJECT: {
                if (depth >= MAX_DEPTH) {
                    throw tooComplex("nesting deeper than " + MAX_DEPTH);
                }
                Map<String, Object> map = new LinkedHashMap<>();
                String name;
                // nextFieldName() is Jackson's fused "next token + its name" path; null means END_OBJECT.
                while ((name = p.nextFieldName()) != null) {
                    String key = checkSurrogates(name);
                    map.put(key, read(p, p.nextToken(), depth + 1));
                }
                return map;
            }
            case START_ARRAY: {
                if (depth >= MAX_DEPTH) {
                    throw tooComplex("nesting deeper than " + MAX_DEPTH);
                }
                List<Object> list = new ArrayList<>();
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    list.add(read(p, v, depth + 1));
                }
                return list;
            }
            case VALUE_STRING:
                return checkSurrogates(p.getText());
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger big = p.getBigIntegerValue();
                    return big.bitLength() < 64 ? (Object) big.longValue() : big;
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT: {
                double d = p.getDoubleValue(); // correctly rounded, like Python's float()
                if (!Double.isFinite(d)) {
                    throw malformed("float out of range: " + p.getText());
                }
                return d;
            }
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw malformed("unexpected token " + t);
        }
    }

    /** Python can parse "\ud800" but can never UTF-8 encode (so sign or verify) it. */
    static String checkSurrogates(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw malformed("lone surrogate U+" + Integer.toHexString(c) + " in string");
                }
            }
        }
        return s;
    }

    private static ProtocolException tooComplex(String message) {
        return new ProtocolException(ProtocolException.Reason.TOO_COMPLEX, message);
    }

    private static ProtocolException malformed(String message) {
        return new ProtocolException(ProtocolException.Reason.MALFORMED, message);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
