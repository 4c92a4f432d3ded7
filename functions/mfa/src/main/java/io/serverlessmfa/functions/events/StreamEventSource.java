package io.serverlessmfa.functions.events;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.serverlessmfa.functions.store.DynamoDbAuditTrail;
import io.serverlessmfa.functions.store.DynamoDbEnrollmentStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * What Lambda's event source mapping of template.yaml does, for the local stack ({@code make run})
 * and the tests, which have no Lambda service: reads the table's stream shard by shard, keeps the
 * records the mapping's filter keeps (INSERTs of audit items), hands them to the publisher function
 * as a {@link DynamodbEvent} of at most the mapping's batch size, and moves its checkpoint past a
 * batch only as far as the function's batch item failures allow: the first failed record and
 * everything after it are delivered again on the next poll, as Lambda does. Never deployed: in AWS
 * the mapping is Lambda's own.
 *
 * <p>One deviation of the emulator is undone here: see {@link #rolledBack}.
 *
 * <p>Each poll asks for a new shard iterator after its checkpoint (an iterator is good for minutes
 * in AWS, and the emulator's ends when a transaction is rolled back), so the checkpoint is the only
 * state, as the mapping's is.
 */
public final class StreamEventSource {

    /** The mapping's BatchSize in template.yaml. */
    public static final int BATCH_SIZE = 100;
    /** Records read from a shard in one poll at most (GetRecords returns up to 1,000 at a time). */
    static final int MAX_READ = 10_000;

    private final DynamoDbStreamsClient streams;
    private final String streamArn;
    private final RequestHandler<DynamodbEvent, StreamsEventResponse> function;
    /** The last sequence number handled, per shard; absent: from the shard's start. */
    private final Map<String, String> checkpoints = new LinkedHashMap<>();

    /** What one poll did. */
    public record Poll(int delivered, int handedBack) {
    }

    private StreamEventSource(DynamoDbStreamsClient streams, String streamArn,
                              RequestHandler<DynamodbEvent, StreamsEventResponse> function) {
        this.streams = streams;
        this.streamArn = streamArn;
        this.function = function;
    }

    /**
     * A mapping of {@code tableName}'s stream that starts at its end (StartingPosition LATEST):
     * records already in the stream are passed over, as a mapping created now would.
     */
    public static StreamEventSource fromLatest(DynamoDbClient dynamoDb, DynamoDbStreamsClient streams, String tableName,
                                               RequestHandler<DynamodbEvent, StreamsEventResponse> function) {
        String arn = dynamoDb.describeTable(request -> request.tableName(tableName)).table().latestStreamArn();
        if (arn == null) {
            throw new IllegalStateException("table " + tableName + " has no stream (EnrollmentTable creates it with one)");
        }
        StreamEventSource source = new StreamEventSource(streams, arn, function);
        source.skipToEnd();
        return source;
    }

    private synchronized void skipToEnd() {
        for (Shard shard : shards()) {
            List<Record> records = readAll(shard.shardId());
            if (!records.isEmpty()) {
                checkpoints.put(shard.shardId(), records.get(records.size() - 1).dynamodb().sequenceNumber());
            }
        }
    }

    /**
     * One poll of every shard: what is new past each checkpoint, to the function in batches of at
     * most {@link #BATCH_SIZE} records, in stream order; a batch with failures ends the shard's poll
     * and the checkpoint stays before its first failed record.
     */
    public synchronized Poll poll() {
        int delivered = 0;
        int handedBack = 0;
        for (Shard shard : shards()) {
            List<Record> records = readAll(shard.shardId());
            if (records.isEmpty()) {
                continue;
            }
            Set<String> rolledBack = rolledBack(records);
            List<DynamodbEvent.DynamodbStreamRecord> kept = new ArrayList<>();
            for (Record record : records) {
                if (passesFilter(record) && !rolledBack.contains(key(record))) {
                    kept.add(lambdaRecord(record));
                }
            }
            String checkpoint = records.get(records.size() - 1).dynamodb().sequenceNumber();
            for (int start = 0; start < kept.size(); start += BATCH_SIZE) {
                DynamodbEvent event = new DynamodbEvent();
                event.setRecords(new ArrayList<>(kept.subList(start, Math.min(kept.size(), start + BATCH_SIZE))));
                StreamsEventResponse response = function.handleRequest(event, null);
                delivered += event.getRecords().size();
                BigInteger firstFailed = null;
                for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
                    BigInteger failed = new BigInteger(failure.getItemIdentifier());
                    firstFailed = firstFailed == null || failed.compareTo(firstFailed) < 0 ? failed : firstFailed;
                }
                if (firstFailed == null) {
                    continue;
                }
                // Lambda's rule: the shard is read again from the lowest failed sequence number.
                checkpoint = checkpoints.get(shard.shardId());
                for (Record record : records) {
                    if (new BigInteger(record.dynamodb().sequenceNumber()).compareTo(firstFailed) >= 0) {
                        break;
                    }
                    checkpoint = record.dynamodb().sequenceNumber();
                }
                BigInteger from = firstFailed;
                handedBack += (int) kept.stream()
                        .filter(record -> new BigInteger(record.getDynamodb().getSequenceNumber()).compareTo(from) >= 0)
                        .count();
                break;
            }
            if (checkpoint == null) {
                checkpoints.remove(shard.shardId());
            } else {
                checkpoints.put(shard.shardId(), checkpoint);
            }
        }
        return new Poll(delivered, handedBack);
    }

    /**
     * The keys of items that the stream shows inserted and then removed. The emulator (moto 5)
     * rolls a cancelled transaction back by undoing its writes, and its stream shows that as an
     * INSERT and a REMOVE of the same item; DynamoDB's stream never shows a cancelled transaction at
     * all. An audit item is otherwise removed only by its TTL, a year later, so within one read an
     * INSERT followed by a REMOVE of the same key is a rollback: passed over, as DynamoDB would
     * never have recorded it. (Reading everything new before handing anything over keeps such a
     * pair in one read.)
     */
    private static Set<String> rolledBack(List<Record> records) {
        Set<String> inserted = new HashSet<>();
        Set<String> rolledBack = new HashSet<>();
        for (Record record : records) {
            if ("INSERT".equals(record.eventNameAsString())) {
                inserted.add(key(record));
            } else if ("REMOVE".equals(record.eventNameAsString()) && inserted.contains(key(record))) {
                rolledBack.add(key(record));
            }
        }
        return rolledBack;
    }

    private static String key(Record record) {
        Map<String, AttributeValue> keys = record.dynamodb().keys();
        AttributeValue pk = keys.get(DynamoDbEnrollmentStore.PARTITION_KEY);
        AttributeValue sk = keys.get(DynamoDbEnrollmentStore.SORT_KEY);
        return (pk == null ? "" : pk.s()) + "\u0000" + (sk == null ? "" : sk.s());
    }

    /**
     * Polls until a poll finds nothing new and nothing was handed back, at most {@code maxPolls}
     * times; answers whether it caught up with the stream.
     */
    public boolean drain(int maxPolls) {
        for (int i = 0; i < maxPolls; i++) {
            Poll poll = poll();
            if (poll.delivered() == 0 && poll.handedBack() == 0) {
                return true;
            }
        }
        return false;
    }

    private List<Shard> shards() {
        return streams.describeStream(request -> request.streamArn(streamArn)).streamDescription().shards();
    }

    /** Everything in the shard past its checkpoint (at most {@link #MAX_READ} records). */
    private List<Record> readAll(String shardId) {
        List<Record> all = new ArrayList<>();
        String after = checkpoints.get(shardId);
        while (all.size() < MAX_READ) {
            List<Record> records = read(shardId, after);
            if (records.isEmpty()) {
                break;
            }
            all.addAll(records);
            after = records.get(records.size() - 1).dynamodb().sequenceNumber();
        }
        return all;
    }

    private List<Record> read(String shardId, String after) {
        String iterator = streams.getShardIterator(request -> {
            request.streamArn(streamArn).shardId(shardId);
            if (after == null) {
                request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            } else {
                request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER).sequenceNumber(after);
            }
        }).shardIterator();
        GetRecordsResponse response = streams.getRecords(request -> request.shardIterator(iterator).limit(1000));
        return response.records();
    }

    /**
     * The mapping's FilterCriteria (template.yaml): {@code eventName} INSERT and a sort key that
     * begins with {@code EVENT#} in the user's partition.
     */
    static boolean passesFilter(Record record) {
        if (!"INSERT".equals(record.eventNameAsString()) || record.dynamodb() == null) {
            return false;
        }
        AttributeValue pk = record.dynamodb().keys().get(DynamoDbEnrollmentStore.PARTITION_KEY);
        AttributeValue sk = record.dynamodb().keys().get(DynamoDbEnrollmentStore.SORT_KEY);
        return pk != null && sk != null && DynamoDbAuditTrail.isEventKey(pk.s(), sk.s());
    }

    /** The record as Lambda hands it to a Java function (aws-lambda-java-events). */
    private DynamodbEvent.DynamodbStreamRecord lambdaRecord(Record record) {
        DynamodbEvent.DynamodbStreamRecord converted = new DynamodbEvent.DynamodbStreamRecord();
        converted.setEventID(record.eventID());
        converted.setEventName(record.eventNameAsString());
        converted.setEventSource(record.eventSource());
        converted.setEventVersion(record.eventVersion());
        converted.setAwsRegion(record.awsRegion());
        converted.setEventSourceARN(streamArn);
        com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord stream =
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
        stream.setSequenceNumber(record.dynamodb().sequenceNumber());
        stream.setSizeBytes(record.dynamodb().sizeBytes());
        stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType.fromValue(
                record.dynamodb().streamViewTypeAsString()));
        if (record.dynamodb().approximateCreationDateTime() != null) {
            stream.setApproximateCreationDateTime(Date.from(record.dynamodb().approximateCreationDateTime()));
        }
        stream.setKeys(lambdaItem(record.dynamodb().keys()));
        if (record.dynamodb().hasNewImage()) {
            stream.setNewImage(lambdaItem(record.dynamodb().newImage()));
        }
        converted.setDynamodb(stream);
        return converted;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> lambdaItem(
            Map<String, AttributeValue> item) {
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> converted = new HashMap<>();
        item.forEach((name, value) -> converted.put(name, lambdaValue(value)));
        return converted;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue lambdaValue(AttributeValue value) {
        com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue converted =
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        if (value.s() != null) {
            converted.setS(value.s());
        } else if (value.n() != null) {
            converted.setN(value.n());
        } else if (value.b() != null) {
            converted.setB(value.b().asByteBuffer());
        } else if (value.bool() != null) {
            converted.setBOOL(value.bool());
        } else if (Boolean.TRUE.equals(value.nul())) {
            converted.setNULL(true);
        } else if (value.hasSs()) {
            converted.setSS(value.ss());
        } else if (value.hasNs()) {
            converted.setNS(value.ns());
        } else if (value.hasBs()) {
            converted.setBS(value.bs().stream().map(SdkBytes::asByteBuffer).toList());
        } else if (value.hasM()) {
            converted.setM(lambdaItem(value.m()));
        } else if (value.hasL()) {
            converted.setL(value.l().stream().map(StreamEventSource::lambdaValue).toList());
        }
        return converted;
    }
}
