package io.serverlessmfa.core.token;

import io.serverlessmfa.core.port.DependencyUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for the signer port: it records every {@code prepare} instant and every set of claims
 * it signed, and returns a recognizable fake "compact token" (not a JWS: the real ES256 signer is an
 * adapter, tested with it). {@link #failNextPrepare} simulates the key's services being down, as
 * {@code UserBoundTestCipher} and {@code InMemoryEnrollmentStore} simulate theirs.
 */
public final class RecordingTokenSigner implements MfaTokenSigner {

    /** Every fake compact token starts with this, so a test can look for it in text. */
    public static final String COMPACT_PREFIX = "test-signed-token.";

    private final List<Instant> prepared = new ArrayList<>();
    private final List<MfaTokenClaims> signed = new ArrayList<>();
    private DependencyUnavailableException prepareFailure;

    @Override
    public synchronized Ready prepare(Instant now) {
        prepared.add(now);
        if (prepareFailure != null) {
            DependencyUnavailableException failure = prepareFailure;
            prepareFailure = null;
            throw failure;
        }
        return this::sign;
    }

    private synchronized String sign(MfaTokenClaims claims) {
        signed.add(claims);
        return COMPACT_PREFIX + signed.size() + "." + claims.tokenId();
    }

    /** The next {@code prepare} throws {@code failure} (once). */
    public synchronized void failNextPrepare(DependencyUnavailableException failure) {
        prepareFailure = failure;
    }

    /** The instants {@code prepare} was called with, oldest first. */
    public synchronized List<Instant> prepared() {
        return List.copyOf(prepared);
    }

    /** The claims of every token signed, oldest first. */
    public synchronized List<MfaTokenClaims> signed() {
        return List.copyOf(signed);
    }

    /** The claims of the last token signed. */
    public synchronized MfaTokenClaims lastSigned() {
        if (signed.isEmpty()) {
            throw new AssertionError("no token was signed");
        }
        return signed.get(signed.size() - 1);
    }

    public synchronized int signedCount() {
        return signed.size();
    }
}
