package io.serverlessmfa.functions.store;

import io.serverlessmfa.core.audit.AuditTrail;
import io.serverlessmfa.core.audit.InvalidCursorException;
import io.serverlessmfa.core.audit.HelpdeskAction;
import io.serverlessmfa.core.audit.RecordedSecurityEvent;
import io.serverlessmfa.core.audit.RequestOrigin;
import io.serverlessmfa.core.audit.ResetReason;
import io.serverlessmfa.core.audit.SecurityEvent;
import io.serverlessmfa.core.audit.SecurityEventType;
import io.serverlessmfa.functions.aws.AwsFailures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The audit trail: one item per security event in the user's own partition,
 * {@code pk = USER#<sub>}, {@code sk = EVENT#<epoch millis>#<random>}, so a user's events are one
 * Query away, newest first, and go with a TTL after the retention time. The items are written by
 * {@link DynamoDbEnrollmentStore} in the transaction of the state change they record.
 */
public final class DynamoDbAuditTrail implements AuditTrail {

    static final String EVENT_PREFIX = "EVENT#";
    /** The operator of a helpdesk event, the user it acted on, and why. */
    static final String ACTOR = "actor";
    static final String SUBJECT = "subject";
    static final String REASON = "reason";
    private static final Pattern SORT_KEY = Pattern.compile("EVENT#\\d{13}#[0-9a-f]{16}");

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    public DynamoDbAuditTrail(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /** The Put of {@code event}, for the transaction of the state change it records. */
    static TransactWriteItem put(String tableName, String userId, SecurityEvent event, Duration retention,
                                 SecureRandom random) {
        byte[] suffix = new byte[8];
        random.nextBytes(suffix);
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS("USER#" + userId));
        item.put(DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(
                EVENT_PREFIX + SortKeys.zeroPadded(event.at().toEpochMilli(), 13) + "#" + HexFormat.of().formatHex(suffix)));
        item.put("type", AttributeValue.fromS(event.type().name()));
        item.put("at", AttributeValue.fromN(Long.toString(event.at().toEpochMilli())));
        item.put("sourceIp", AttributeValue.fromS(event.origin().sourceIp()));
        item.put("userAgent", AttributeValue.fromS(event.origin().userAgent()));
        event.helpdesk().ifPresent(action -> {
            item.put(ACTOR, AttributeValue.fromS(action.operatorId()));
            item.put(SUBJECT, AttributeValue.fromS(action.userId()));
            action.reason().ifPresent(reason -> item.put(REASON, AttributeValue.fromS(reason.text())));
        });
        item.put(DynamoDbEnrollmentStore.TTL, AttributeValue.fromN(Long.toString(event.at().plus(retention).getEpochSecond())));
        return TransactWriteItem.builder().put(Put.builder().tableName(tableName).item(item)
                .conditionExpression("attribute_not_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY)).build()).build();
    }

    /** One strongly consistent Query of the user's partition, descending by sort key. */
    @Override
    public Page recent(String userId, int limit, Optional<String> cursor) {
        Optional<String> after = cursor.map(DynamoDbAuditTrail::decodeCursor);
        Map<String, AttributeValue> values = new HashMap<>(Map.of(
                ":pk", AttributeValue.fromS("USER#" + userId),
                ":from", AttributeValue.fromS(EVENT_PREFIX),
                ":to", AttributeValue.fromS(EVENT_PREFIX + "~")));
        QueryResponse response;
        try {
            response = dynamoDb.query(request -> {
                request.tableName(tableName).consistentRead(true).scanIndexForward(false).limit(limit)
                        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
                        .expressionAttributeNames(Map.of("#pk", DynamoDbEnrollmentStore.PARTITION_KEY,
                                "#sk", DynamoDbEnrollmentStore.SORT_KEY))
                        .expressionAttributeValues(values);
                after.ifPresent(sortKey -> request.exclusiveStartKey(Map.of(
                        DynamoDbEnrollmentStore.PARTITION_KEY, AttributeValue.fromS("USER#" + userId),
                        DynamoDbEnrollmentStore.SORT_KEY, AttributeValue.fromS(sortKey))));
            });
        } catch (SdkException failure) {
            throw AwsFailures.dynamoDb("DynamoDB Query of the audit trail", failure);
        }
        List<SecurityEvent> events = new ArrayList<>();
        for (Map<String, AttributeValue> item : response.items()) {
            // The origin was cleaned before it was stored; cleaning it again changes nothing.
            Optional<SecurityEventType> type = knownType(item.get("type").s());
            if (type.isEmpty()) {
                // Written by a later version (this one rolled back to): left out, not a failed page.
                continue;
            }
            events.add(new SecurityEvent(type.get(),
                    Instant.ofEpochMilli(Long.parseLong(item.get("at").n())),
                    new RequestOrigin(item.get("sourceIp").s(), item.get("userAgent").s()),
                    helpdesk(userId, item)));
        }
        Optional<String> next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                ? Optional.of(encodeCursor(response.lastEvaluatedKey().get(DynamoDbEnrollmentStore.SORT_KEY).s()))
                : Optional.empty();
        return new Page(events, next);
    }

    /** Whether a stream record's keys are those of an audit event item (the publisher's filter, as the template's). */
    public static boolean isEventKey(String partitionKey, String sortKey) {
        return partitionKey != null && partitionKey.startsWith("USER#") && sortKey != null && sortKey.startsWith(EVENT_PREFIX);
    }

    /**
     * The committed event an audit item (a stream record's new image) records, for the publisher;
     * empty when this version cannot read it (a type written by a later version, a missing
     * attribute). The request's origin (address, browser) is not read at all: it is for the trail's
     * readers, never for what is published. The id is the first 128 bits of SHA-256 over the item's
     * key: the same for every delivery of the entry, unique per entry (the key holds a random
     * part), and revealing neither the user nor the time.
     */
    public static Optional<RecordedSecurityEvent> recorded(Map<String, AttributeValue> item) {
        AttributeValue pk = item.get(DynamoDbEnrollmentStore.PARTITION_KEY);
        AttributeValue sk = item.get(DynamoDbEnrollmentStore.SORT_KEY);
        AttributeValue type = item.get("type");
        AttributeValue at = item.get("at");
        if (pk == null || sk == null || type == null || at == null || !isEventKey(pk.s(), sk.s())
                || type.s() == null || at.n() == null) {
            return Optional.empty();
        }
        Optional<SecurityEventType> known = knownType(type.s());
        if (known.isEmpty()) {
            return Optional.empty();
        }
        String owner = pk.s().substring("USER#".length());
        Instant when;
        try {
            when = Instant.ofEpochMilli(Long.parseLong(at.n()));
        } catch (NumberFormatException notMillis) {
            return Optional.empty();
        }
        Optional<HelpdeskAction> helpdesk;
        try {
            helpdesk = helpdesk(owner, item);
        } catch (IllegalArgumentException notAReason) {
            return Optional.empty(); // a reason no request could have given (a table writer's)
        }
        return Optional.of(new RecordedSecurityEvent(owner, eventId(pk.s(), sk.s()),
                new SecurityEvent(known.get(), when, RequestOrigin.unknown(), helpdesk)));
    }

    static String eventId(String partitionKey, String sortKey) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java platform has SHA-256", impossible);
        }
        // A NUL between the two: no key pair can be read as another.
        byte[] digest = sha256.digest((partitionKey + "\u0000" + sortKey).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    private static Optional<SecurityEventType> knownType(String name) {
        for (SecurityEventType type : SecurityEventType.values()) {
            if (type.name().equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * The helpdesk's part of an event item: the operator ({@code actor}), the user acted on
     * ({@code subject}; a reset recorded before it was stored has none, and was in that user's own
     * trail) and the reason (none on resets recorded before reasons were required).
     */
    private static Optional<HelpdeskAction> helpdesk(String trailOwner, Map<String, AttributeValue> item) {
        AttributeValue actor = item.get(ACTOR);
        if (actor == null) {
            return Optional.empty();
        }
        String subject = Optional.ofNullable(item.get(SUBJECT)).map(AttributeValue::s).orElse(trailOwner);
        return Optional.of(new HelpdeskAction(actor.s(), subject,
                Optional.ofNullable(item.get(REASON)).map(AttributeValue::s).map(ResetReason::new)));
    }

    private static String encodeCursor(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        String sortKey;
        try {
            sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            throw new InvalidCursorException("not a cursor of this list");
        }
        if (!SORT_KEY.matcher(sortKey).matches()) {
            throw new InvalidCursorException("not a cursor of this list");
        }
        return sortKey;
    }
}
