package io.serverlessmfa.core.token;

/** The caller has not proven a second factor recently enough for this route (contract: 403 mfa_required). */
public final class StepUpRequiredException extends RuntimeException {

    public StepUpRequiredException(String reason) {
        super(reason, null, false, false);
    }
}
