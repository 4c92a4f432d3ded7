package io.serverlessmfa.core.enrollment;

import java.time.Instant;

/**
 * A started setup, shown to the user once.
 *
 * @param secret      the Base32 secret (no padding) for manual entry
 * @param otpauthUri  the Key URI the QR code carries
 * @param qrCode      {@code data:image/png;base64,...} of the QR code
 * @param expiresAt   when the pending setup expires
 */
public record SetupStarted(String secret, String otpauthUri, String qrCode, Instant expiresAt) {

    @Override
    public String toString() {
        return "SetupStarted[expiresAt=" + expiresAt + ", secret redacted]";
    }
}
