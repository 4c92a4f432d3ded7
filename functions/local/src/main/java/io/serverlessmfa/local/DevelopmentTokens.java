package io.serverlessmfa.local;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.protocols.jsoncore.JsonWriter;

/**
 * The local development issuer of the contract ({@code POST /dev/token}) and the check the HttpApi
 * JWT authorizer makes: signature, issuer, audience, expiry. Tokens are HS256 with a key drawn at
 * start, so they die with the process. Local only: template.yaml never has this.
 *
 * <p>Like an OpenID Connect provider's ID token, a token says when the user signed in
 * ({@code auth_time}, OpenID Connect Core 1.0 §2): when it was issued, so it is fresh for setup,
 * recovery codes and removal for its whole hour at the functions' default; or, asked for, an earlier
 * sign-in, as a token refreshed without signing in again carries (to try the portal's "sign in
 * again" locally).
 */
public final class DevelopmentTokens {

    public static final String ISSUER = "http://127.0.0.1:3000/dev";
    public static final String AUDIENCE = "mfa-portal-local";
    static final Duration LIFETIME = Duration.ofHours(1);
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String HEADER = ENCODER.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final byte[] key;
    private final Clock clock;

    public DevelopmentTokens(SecureRandom random, Clock clock) {
        this.key = new byte[32];
        random.nextBytes(key);
        this.clock = clock;
    }

    /** A token for {@code username} ({@code sub} and {@code email}), with {@code groups} if any, signed in now. */
    public String issue(String username, List<String> groups) {
        return issue(username, groups, Optional.empty());
    }

    /**
     * A token for {@code username} ({@code sub} and {@code email}), with {@code groups} if any, whose
     * user signed in at {@code signedInAt} ({@code auth_time}; empty: now).
     *
     * @throws IllegalArgumentException if {@code signedInAt} is after now or before 1970: no sign-in
     *                                  the issuer could have seen
     */
    public String issue(String username, List<String> groups, Optional<Instant> signedInAt) {
        Instant now = clock.instant();
        Instant authTime = signedInAt.orElse(now);
        if (authTime.isAfter(now) || authTime.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("authTime must be seconds since 1970, not after now");
        }
        JsonWriter claims = JsonWriter.create().writeStartObject()
                .writeFieldName("sub").writeValue(username)
                .writeFieldName("email").writeValue(username)
                .writeFieldName("iss").writeValue(ISSUER)
                .writeFieldName("aud").writeValue(AUDIENCE)
                .writeFieldName("iat").writeValue(now.getEpochSecond())
                .writeFieldName("auth_time").writeValue(authTime.getEpochSecond())
                .writeFieldName("exp").writeValue(now.plus(LIFETIME).getEpochSecond());
        if (!groups.isEmpty()) {
            claims.writeFieldName("groups").writeStartArray();
            groups.forEach(claims::writeValue);
            claims.writeEndArray();
        }
        claims.writeEndObject();
        String unsigned = HEADER + "." + ENCODER.encodeToString(claims.getBytes());
        return unsigned + "." + ENCODER.encodeToString(sign(unsigned));
    }

    /**
     * The claims as the HttpApi JWT authorizer hands them to a function (every value a string,
     * arrays as {@code [a b]}), or empty when the token is missing, malformed, tampered with, from
     * another issuer or audience, or expired.
     */
    public Optional<Map<String, String>> verify(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String[] parts = authorization.substring(7).trim().split("\\.", -1);
        if (parts.length != 3 || !MessageDigest.isEqual(parts[0].getBytes(StandardCharsets.US_ASCII),
                HEADER.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty(); // only our own header: no "alg":"none", no algorithm switch
        }
        try {
            byte[] signature = DECODER.decode(parts[2]);
            if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
                return Optional.empty();
            }
            JsonNode claims = JsonNode.parser().parse(DECODER.decode(parts[1]));
            Map<String, String> flat = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> claim : claims.asObject().entrySet()) {
                JsonNode value = claim.getValue();
                flat.put(claim.getKey(), value.isArray()
                        ? "[" + String.join(" ", value.asArray().stream().map(JsonNode::text).toList()) + "]"
                        : value.text());
            }
            long expires = Long.parseLong(flat.getOrDefault("exp", "0"));
            boolean valid = ISSUER.equals(flat.get("iss")) && AUDIENCE.equals(flat.get("aud"))
                    && clock.instant().getEpochSecond() < expires && flat.get("sub") != null;
            return valid ? Optional.of(Map.copyOf(flat)) : Optional.empty();
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private byte[] sign(String unsigned) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(unsigned.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", impossible);
        }
    }
}
