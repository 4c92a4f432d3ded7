package io.serverlessmfa.functions.token;

import io.serverlessmfa.core.token.AuthenticationMethod;
import io.serverlessmfa.core.token.MfaTokenClaims;
import io.serverlessmfa.core.token.Nonce;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * MFA tokens as compact JWS (RFC 7515 §7.1) with JWT claims (RFC 7519): written with the SDK's JSON
 * writer and read with its parser, the JSON code the functions already load. Reading is strict, as
 * RFC 8725 §3.1 asks: the algorithm must be ES256 whatever the header claims ({@code none} and
 * HMAC never verify), the key is found by {@code kid} among the published ones only, and a header
 * with {@code crit} is refused (RFC 7515 §4.1.11).
 */
final class CompactJws {

    /** Far above a real token (about 600 characters), so a header cannot make the parser work hard. */
    static final int MAX_LENGTH = 4096;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    private CompactJws() {
    }

    static String sign(MfaTokenClaims claims, String kid, PrivateKey key, SecureRandom random) {
        JsonWriter header = JsonWriter.create().writeStartObject()
                .writeFieldName("alg").writeValue(Es256.ALGORITHM)
                .writeFieldName("typ").writeValue("JWT")
                .writeFieldName("kid").writeValue(kid)
                .writeEndObject();
        String signingInput = BASE64URL.encodeToString(header.getBytes()) + "." + BASE64URL.encodeToString(payload(claims));
        byte[] signature = Es256.sign(key, signingInput.getBytes(StandardCharsets.US_ASCII), random);
        return signingInput + "." + BASE64URL.encodeToString(signature);
    }

    private static byte[] payload(MfaTokenClaims claims) {
        JsonWriter payload = JsonWriter.create().writeStartObject()
                .writeFieldName("iss").writeValue(claims.issuer())
                .writeFieldName("sub").writeValue(claims.subject())
                .writeFieldName("aud").writeValue(claims.audience())
                .writeFieldName("iat").writeValue(claims.issuedAt().getEpochSecond())
                .writeFieldName("exp").writeValue(claims.expiresAt().getEpochSecond())
                .writeFieldName("auth_time").writeValue(claims.authenticatedAt().getEpochSecond())
                .writeFieldName("jti").writeValue(claims.tokenId())
                .writeFieldName("amr").writeStartArray();
        claims.methods().forEach(method -> payload.writeValue(method.claimValue()));
        payload.writeEndArray();
        claims.nonce().ifPresent(nonce -> payload.writeFieldName("nonce").writeValue(nonce.value()));
        return payload.writeEndObject().getBytes();
    }

    /** The claims of {@code compact} when {@code keys} (by kid) holds the key whose ES256 signature it carries. */
    static Optional<MfaTokenClaims> verify(String compact, Function<String, Optional<ECPublicKey>> keys) {
        if (compact == null || compact.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        String[] parts = compact.split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        String kid;
        try {
            Map<String, JsonNode> header = object(parts[0]);
            if (!text(header, "alg").equals(Es256.ALGORITHM) || header.containsKey("crit")) {
                return Optional.empty();
            }
            kid = text(header, "kid");
        } catch (RuntimeException malformed) {
            // Not base64url, not JSON, no kid: not a token of ours.
            return Optional.empty();
        }
        // Outside the catch: a key store that cannot be read (DynamoDB down) says nothing about the
        // token, so its DependencyUnavailableException goes on to become a 503, never a refusal.
        Optional<ECPublicKey> key = keys.apply(kid);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
            if (!Es256.verify(key.get(), signingInput, BASE64URL_DECODER.decode(parts[2]))) {
                return Optional.empty();
            }
            return Optional.of(claims(object(parts[1])));
        } catch (RuntimeException malformed) {
            // Not base64url, not JSON, a claim missing or of the wrong type: not a token of ours.
            return Optional.empty();
        }
    }

    private static MfaTokenClaims claims(Map<String, JsonNode> payload) {
        List<AuthenticationMethod> methods = new ArrayList<>();
        for (JsonNode value : payload.get("amr").asArray()) {
            for (AuthenticationMethod method : AuthenticationMethod.values()) {
                if (method.claimValue().equals(value.asString())) {
                    methods.add(method);
                }
            }
        }
        Optional<Nonce> nonce = payload.containsKey("nonce") ? Optional.of(new Nonce(text(payload, "nonce"))) : Optional.empty();
        return new MfaTokenClaims(text(payload, "iss"), text(payload, "sub"), text(payload, "aud"),
                seconds(payload, "iat"), seconds(payload, "exp"), seconds(payload, "auth_time"), text(payload, "jti"),
                methods, nonce);
    }

    private static Map<String, JsonNode> object(String part) {
        return JsonNode.parser().parse(BASE64URL_DECODER.decode(part)).asObject();
    }

    private static String text(Map<String, JsonNode> object, String name) {
        JsonNode node = object.get(name);
        if (node == null || !node.isString()) {
            throw new IllegalArgumentException(name + " is not a string");
        }
        return node.asString();
    }

    private static Instant seconds(Map<String, JsonNode> object, String name) {
        JsonNode node = object.get(name);
        if (node == null || !node.isNumber()) {
            throw new IllegalArgumentException(name + " is not a number");
        }
        return Instant.ofEpochSecond(Long.parseLong(node.asNumber()));
    }
}
