package io.serverlessmfa.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Puts the events' user in the state a cold-start run needs, in its own JVM before the measured
 * one, with the implementation's own handlers (so each implementation reads the data it writes),
 * and writes the event the measured run is given:
 * <ul>
 * <li>{@code setup}: no enrollment (the table emptied, as before every run); the event as it is;
 * <li>{@code confirm}: a pending setup; the event with the current code of its secret;
 * <li>{@code verify}: MFA enabled (setup, then confirm with the current code); the event with the
 *     code of the next time step (accepted now with the one-step window, and later than the step
 *     the confirmation used, which our replay protection refuses);
 * <li>{@code status}: MFA enabled; the event as it is.
 * </ul>
 * Fails (exit 1) if a step does not answer its success status.
 *
 * <pre>Prepare &lt;setup handler&gt; &lt;confirm handler&gt; &lt;setup|confirm|verify|status&gt; &lt;events dir&gt; &lt;out.json&gt;</pre>
 * Needs the same environment as the functions (MFA_TABLE_NAME, AWS_ENDPOINT_URL, ...).
 */
public final class Prepare {

    private static final Pattern SECRET = Pattern.compile("\"secret\"\\s*:\\s*\"([A-Z2-7]+)=*\"");
    /** The code in the body of events/confirm.json and verify.json: {@code "body": "{\"code\":\"123456\"}"}. */
    private static final Pattern CODE = Pattern.compile("(\\\\\"code\\\\\":\\\\\")\\d{6}(\\\\\")");
    private static final long PERIOD_SECONDS = 30;

    private Prepare() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Prepare <setup handler> <confirm handler> <setup|confirm|verify|status> <events dir> <out.json>");
            System.exit(2);
        }
        String setupHandler = args[0];
        String confirmHandler = args[1];
        String target = args[2];
        Path events = Path.of(args[3]);
        Path out = Path.of(args[4]);
        String targetEvent = Files.readString(events.resolve(target + ".json"));

        String setupEvent = Files.readString(events.resolve("setup.json"));
        String userId = parse(setupEvent).getRequestContext().getAuthorizer().getJwt().getClaims().get("sub");
        String targetUser = parse(targetEvent).getRequestContext().getAuthorizer().getJwt().getClaims().get("sub");
        if (!userId.equals(targetUser)) {
            fail("events/setup.json and events/" + target + ".json name different users");
        }
        emptyTable();
        if (target.equals("setup")) {
            Files.writeString(out, targetEvent);
            return;
        }

        APIGatewayV2HTTPResponse setup = invoke(setupHandler, setupEvent);
        expect("setup", setup, 201);
        Matcher secret = SECRET.matcher(setup.getBody());
        if (!secret.find()) {
            fail("setup answered no secret: " + setup.getBody());
        }
        byte[] key = base32(secret.group(1));
        long step = System.currentTimeMillis() / 1000 / PERIOD_SECONDS;
        if (target.equals("confirm")) {
            Files.writeString(out, withCode(targetEvent, totp(key, step)));
            return;
        }

        APIGatewayV2HTTPResponse confirm = invoke(confirmHandler, withCode(Files.readString(events.resolve("confirm.json")), totp(key, step)));
        expect("confirm", confirm, 200);
        switch (target) {
            case "verify" -> Files.writeString(out, withCode(targetEvent, totp(key, step + 1)));
            case "status" -> Files.writeString(out, targetEvent);
            default -> fail("setup, confirm, verify or status, not " + target);
        }
    }

    /**
     * Every item of the table: each measured run starts from the same table, whatever ran before
     * it (counters per expiry second, audit events). Moto as it ships copies the whole table for
     * every item of a TransactWriteItems, which made later runs' transactions slower and slower;
     * tools/moto_server.py no longer does, and an empty table keeps the runs alike all the same.
     */
    private static void emptyTable() {
        String table = System.getenv("MFA_TABLE_NAME");
        try (DynamoDbClient dynamoDb = DynamoDbClient.create()) {
            dynamoDb.scanPaginator(request -> request.tableName(table).consistentRead(true)
                            .projectionExpression("pk, sk"))
                    .items()
                    .forEach(item -> dynamoDb.deleteItem(request -> request.tableName(table)
                            .key(Map.of("pk", item.get("pk"), "sk", item.get("sk")))));
        }
    }

    /** A POJO handler (the common build) by its interface; ours, a stream handler, by its {@code invoke}. */
    @SuppressWarnings("unchecked")
    private static APIGatewayV2HTTPResponse invoke(String handlerClass, String event) throws ReflectiveOperationException {
        Object handler = Class.forName(handlerClass).getConstructor().newInstance();
        if (handler instanceof RequestHandler<?, ?> pojo) {
            return ((RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) pojo).handleRequest(parse(event), null);
        }
        return (APIGatewayV2HTTPResponse) handler.getClass().getMethod("invoke", APIGatewayV2HTTPEvent.class, Context.class)
                .invoke(handler, parse(event), null);
    }

    private static APIGatewayV2HTTPEvent parse(String event) {
        PojoSerializer<APIGatewayV2HTTPEvent> serializer =
                LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, Prepare.class.getClassLoader());
        return serializer.fromJson(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)));
    }

    private static String withCode(String event, String code) {
        Matcher matcher = CODE.matcher(event);
        if (!matcher.find()) {
            fail("the event has no {\"code\":\"nnnnnn\"} body");
        }
        return matcher.replaceFirst("$1" + code + "$2");
    }

    private static void expect(String step, APIGatewayV2HTTPResponse response, int status) {
        if (response.getStatusCode() != status) {
            fail(step + " answered " + response.getStatusCode() + ", expected " + status + ": " + response.getBody());
        }
    }

    private static void fail(String message) {
        System.err.println("Prepare FAILED: " + message);
        System.exit(1);
    }

    /** RFC 6238 with SHA-1, 6 digits: what an authenticator app shows (independent of both implementations). */
    static String totp(byte[] key, long step) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(key, "HmacSHA1"));
        byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
        return String.format("%06d", binary % 1_000_000);
    }

    /** RFC 4648 Base32, upper case, no padding. */
    static byte[] base32(String text) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        ByteBuffer out = ByteBuffer.allocate(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (char c : text.toCharArray()) {
            int value = alphabet.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not Base32: " + c);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return out.array();
    }
}
