package io.serverlessmfa.functions.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The public half of one token signing key and its schedule: published from {@code createdAt},
 * signing from {@code signsFrom} until the next key signs (see {@link KeySchedule}). The private
 * half exists only sealed in the table and unsealed in a container's memory.
 *
 * @param kid RFC 7638 JWK thumbprint (SHA-256) of the public key: derived, never chosen
 */
public record SigningKey(String kid, ECPublicKey publicKey, Instant createdAt, Instant signsFrom) {

    /** P-256 coordinates are 32 bytes (RFC 7518 §6.2.1.2: "the full size of a coordinate"). */
    static final int COORDINATE_BYTES = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();

    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(signsFrom, "signsFrom");
        if (!kid.equals(thumbprint(publicKey))) {
            throw new IllegalArgumentException("a key's kid is its thumbprint");
        }
    }

    /** {@code x} of the JWK (RFC 7518 §6.2.1.2), base64url. */
    public String x() {
        return coordinate(publicKey.getW().getAffineX());
    }

    /** {@code y} of the JWK (RFC 7518 §6.2.1.3), base64url. */
    public String y() {
        return coordinate(publicKey.getW().getAffineY());
    }

    /** RFC 7638 §3.2: SHA-256 over the required members in lexicographic order, no white space. */
    static String thumbprint(ECPublicKey key) {
        String members = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + coordinate(key.getW().getAffineX())
                + "\",\"y\":\"" + coordinate(key.getW().getAffineY()) + "\"}";
        try {
            return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(members.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException missing) {
            throw new IllegalStateException("SHA-256 is part of every JDK", missing);
        }
    }

    /** The P-256 public key at ({@code x}, {@code y}); refused when the point is not on the curve. */
    static ECPublicKey publicKey(String x, String y) {
        try {
            ECParameterSpec curve = Es256.curve();
            ECPoint point = new ECPoint(new BigInteger(1, BASE64URL_DECODER.decode(x)), new BigInteger(1, BASE64URL_DECODER.decode(y)));
            if (!onCurve(point, curve)) {
                // The JDK's key factory does not check this; a point off the curve is an invalid-curve
                // attack's tool (SEC 1 v2 §3.2.2.1 public key validation).
                throw new IllegalArgumentException("the point is not on P-256");
            }
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, curve));
        } catch (GeneralSecurityException | IllegalArgumentException invalid) {
            throw new IllegalArgumentException("not a P-256 public key", invalid);
        }
    }

    /** y² = x³ + ax + b (mod p), with both coordinates in [0, p). */
    private static boolean onCurve(ECPoint point, ECParameterSpec curve) {
        BigInteger p = ((java.security.spec.ECFieldFp) curve.getCurve().getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || x.compareTo(p) >= 0 || y.signum() < 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger right = x.pow(3).add(curve.getCurve().getA().multiply(x)).add(curve.getCurve().getB()).mod(p);
        return y.pow(2).mod(p).equals(right);
    }

    private static String coordinate(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[COORDINATE_BYTES];
        int length = Math.min(bytes.length, COORDINATE_BYTES);
        System.arraycopy(bytes, bytes.length - length, fixed, COORDINATE_BYTES - length, length);
        String encoded = BASE64URL.encodeToString(fixed);
        Arrays.fill(fixed, (byte) 0);
        return encoded;
    }
}
