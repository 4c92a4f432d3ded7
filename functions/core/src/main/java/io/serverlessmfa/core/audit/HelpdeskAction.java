package io.serverlessmfa.core.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * What an operator did to a user's MFA, as both trails record it (contract: "Helpdesk routes"): the
 * user's trail says the helpdesk acted and why; the operator's own trail says whom, when and why.
 *
 * @param operatorId the operator's {@code sub}
 * @param userId     the {@code sub} of the user acted on
 * @param reason     why, as the operator wrote it; absent only on resets recorded before reasons were required
 */
public record HelpdeskAction(String operatorId, String userId, Optional<ResetReason> reason) {

    public HelpdeskAction {
        Objects.requireNonNull(operatorId, "operatorId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(reason, "reason");
    }
}
