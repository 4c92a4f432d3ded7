package io.serverlessmfa.bench.recoverykey;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the HTTP requests (one per attempt, retries included) that the SDK clients send: the
 * network round trips of what {@link RecoveryKeyBench} measures. Registered as a global
 * interceptor only on that bench's class path (tools/bench-recovery-key.sh writes the SDK's
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors} resource into a directory of
 * its own), so the functions' own clients ({@code AwsClients}) are counted as they are built,
 * without a line of theirs changed, and no other bench loads it. Single-threaded use.
 */
public final class RoundTrips implements ExecutionInterceptor {

    private static final List<String> SENT = new ArrayList<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        synchronized (SENT) {
            SENT.add(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + " "
                    + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
        }
    }

    /** The requests sent since the last call, in order; clears them. */
    static List<String> drain() {
        synchronized (SENT) {
            List<String> sent = new ArrayList<>(SENT);
            SENT.clear();
            return sent;
        }
    }
}
