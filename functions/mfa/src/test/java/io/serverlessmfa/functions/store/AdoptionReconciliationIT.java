package io.serverlessmfa.functions.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.serverlessmfa.functions.config.AwsClients;
import io.serverlessmfa.functions.config.MfaConfiguration;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.testing.ApiResult;
import io.serverlessmfa.functions.testing.AwsEmulator;
import io.serverlessmfa.functions.testing.FaultProxy;
import io.serverlessmfa.functions.testing.FaultProxy.Fault;
import io.serverlessmfa.functions.testing.MfaApi;
import io.serverlessmfa.functions.testing.MfaFixtures;
import io.serverlessmfa.functions.testing.MutableClock;
import io.serverlessmfa.functions.testing.TestUser;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The counters against the truth after a randomized workload: random users doing random things
 * (setups, restarts, confirmations, wrong codes, lockouts, recoveries, regenerations, removals,
 * cancellations, admin resets), time jumping past pending expiries, and a share of the requests
 * hit by an injected DynamoDB or KMS fault. Afterwards a reconciliation (a full Scan) must find the
 * counters exactly equal to the table. The seed is printed so a failure can be replayed with
 * {@code -Dmfa.workload.seed=...}.
 */
class AdoptionReconciliationIT {

    private static final int USERS = 30;
    private static final int OPERATIONS = 300;
    private static final double FAULT_SHARE = 0.15;
    private static final List<String> FAULTABLE = List.of("DynamoDB_20120810.GetItem", "DynamoDB_20120810.PutItem",
            "DynamoDB_20120810.TransactWriteItems", "TrentService.Decrypt", "TrentService.Encrypt");

    /** What the test knows of a user from the answers it got: enough to pick sensible next steps. */
    private record Known(TestUser user, String[] secret, String[] recoveryCode, String[] status) {
    }

    @Test
    void aRandomizedWorkloadWithFaultsLeavesTheCountersExactlyEqualToTheTable() {
        long seed = Long.getLong("mfa.workload.seed", System.nanoTime());
        System.out.println("adoption workload seed: " + seed);
        Random random = new Random(seed);
        AwsEmulator emulator = AwsEmulator.get();
        MutableClock clock = MutableClock.atStepStart();
        MfaApi healthy = MfaApi.over(emulator, clock, Map.of());
        MfaFixtures fixtures = new MfaFixtures(healthy, clock);
        TestUser operator = TestUser.operator();
        Map<String, Integer> outcomes = new TreeMap<>();
        int faulted = 0;
        try (FaultProxy proxy = FaultProxy.start(emulator.endpoint())) {
            MfaConfiguration throughProxy = MfaConfiguration.fromEnvironment(
                    emulator.environment(Map.of(MfaConfiguration.ENDPOINT_URL, proxy.endpoint())));
            try (DynamoDbClient dynamoDb = AwsClients.dynamoDb(throughProxy); KmsClient kms = AwsClients.kms(throughProxy)) {
                MfaApi faulty = new MfaApi(new Wiring(MfaConfiguration.fromEnvironment(emulator.environment(Map.of())),
                        clock, new SecureRandom(), dynamoDb, kms));
                List<Known> users = new ArrayList<>();
                for (int i = 0; i < USERS; i++) {
                    users.add(new Known(TestUser.random(), new String[1], new String[1], new String[] {"NONE"}));
                }
                for (int i = 0; i < OPERATIONS; i++) {
                    Known known = users.get(random.nextInt(USERS));
                    MfaApi api = healthy;
                    if (random.nextDouble() < FAULT_SHARE) {
                        faulted++;
                        api = faulty;
                        Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                        String operation = FAULTABLE.get(random.nextInt(FAULTABLE.size()));
                        boolean once = random.nextBoolean();
                        AtomicBoolean fired = new AtomicBoolean();
                        proxy.clear();
                        proxy.inject(fault, call -> call.operation().equals(operation) && (!once || !fired.getAndSet(true)));
                    }
                    String outcome = step(action(known.status()[0], random), known, api, healthy, fixtures, clock, operator,
                            random);
                    outcomes.merge(outcome, 1, Integer::sum);
                }
                proxy.clear();
            }
        }

        AdoptionReconciliation.Result result = new AdoptionReconciliation(emulator.dynamoDb(), emulator.tableName())
                .reconcile(clock.instant());
        System.out.printf("adoption workload: %d operations (%d with an injected fault) over %d users; outcomes %s;"
                        + " reconciliation at %s: counted %s, table %s, %d items scanned%n",
                OPERATIONS, faulted, USERS, outcomes, result.at(), result.counted(), result.actual(), result.itemsScanned());
        assertTrue(outcomes.keySet().stream().noneMatch(outcome -> outcome.startsWith("5") && !outcome.startsWith("503")),
                "no 5xx but 503: " + outcomes);
        assertEquals(result.actual(), result.counted(), "the counters equal the table (seed " + seed + ")");
    }

    /**
     * Mostly a step that makes sense in the user's state (so enrollments really move), sometimes
     * any step at all (so refusals are exercised too).
     */
    private static int action(String status, Random random) {
        if (random.nextInt(5) == 0) {
            return random.nextInt(13);
        }
        int[] sensible = switch (status) {
            case "PENDING" -> new int[] {2, 2, 3, 0, 9, 10, 11};
            case "ENABLED" -> new int[] {4, 5, 6, 7, 8, 10, 11, 11};
            default -> new int[] {0, 0, 1, 11};
        };
        return sensible[random.nextInt(sensible.length)];
    }

    /** One random action; returns its outcome as "status route". */
    private static String step(int action, Known known, MfaApi api, MfaApi healthy, MfaFixtures fixtures,
                               MutableClock clock, TestUser operator, Random random) {
        TestUser user = known.user();
        String secret = known.secret()[0];
        ApiResult result;
        String route;
        switch (action) {
            case 0, 1 -> {
                route = "setup";
                result = api.setup(user);
                if (result.status() == 201) {
                    known.secret()[0] = result.text("secret");
                    known.status()[0] = "PENDING";
                }
            }
            case 2, 3 -> {
                route = "confirm";
                result = api.confirm(user, secret == null ? "123456" : healthy.codeFor(secret));
                if (result.status() == 200) {
                    known.recoveryCode()[0] = result.texts("recoveryCodes").get(0);
                    known.status()[0] = "ENABLED";
                }
                clock.advance(Duration.ofSeconds(30)); // the next code is a new step's
            }
            case 4 -> {
                route = "verify";
                result = api.verify(user, secret == null ? "123456" : healthy.codeFor(secret));
            }
            case 5 -> {
                route = "wrong code";
                result = api.verify(user, secret == null ? "000000" : fixtures.wrongCode(secret));
            }
            case 6 -> {
                route = "recover";
                String code = known.recoveryCode()[0];
                result = code == null ? api.recover(user, MfaFixtures.wrongRecoveryCode()) : api.recover(user, code);
                if (result.status() == 200) {
                    known.recoveryCode()[0] = result.texts("recoveryCodes").get(0);
                }
            }
            case 7 -> {
                route = "regenerate";
                result = api.regenerate(user, secret == null ? "123456" : healthy.codeFor(secret));
                if (result.status() == 200) {
                    known.recoveryCode()[0] = result.texts("recoveryCodes").get(0);
                }
            }
            case 8 -> {
                route = "remove";
                result = api.removeWithCode(user, secret == null ? "123456" : healthy.codeFor(secret));
            }
            case 9 -> {
                route = "cancel";
                result = api.call("POST /mfa/remove", user, "{}");
            }
            case 10 -> {
                route = "admin reset";
                // The operator's step-up over the healthy API: the fault is for the reset alone.
                result = api.admin("POST /admin/mfa/users/{userId}/reset", operator, user.sub(),
                        healthy.stepUpToken(operator));
            }
            default -> {
                // Time passes: a step, or past a pending setup's 10 minutes or a 5-minute lock.
                clock.advance(Duration.ofSeconds(random.nextInt(4) > 0 ? 30 : 30 * (1 + random.nextInt(25))));
                return "time";
            }
        }
        if (result.status() == 200 && Set.of("remove", "cancel", "admin reset").contains(route)) {
            known.status()[0] = "NONE";
        }
        if (result.status() == 409 && "mfa_not_enabled".equals(result.error())) {
            known.status()[0] = "NONE"; // e.g. the pending setup expired
        }
        return result.status() + " " + route;
    }
}
