package io.serverlessmfa.bench.coldstart;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One cold start, in a fresh JVM started with Lambda's flags: the init phase (the handler built as
 * Lambda builds it) and the first invocation as Lambda's Java runtime runs it (a stream handler
 * gets the event's bytes and writes the response's; a POJO handler's event is read, and its
 * response written, with the runtime's own serializer), then one JSON line on stderr:
 * the times from JVM start (RuntimeMXBean) to the end of init and to the first response, the
 * process's CPU time by then, the resident memory after the first invocation (VmRSS) and the
 * classes loaded. Fails (exit 1) unless
 * the first invocation answers the expected status.
 *
 * <pre>ColdStart &lt;ours|ours-before|ours-crt|common|sdk|floor|floor-stream&gt; &lt;handler class&gt; &lt;event.json&gt; &lt;expected status&gt;</pre>
 *
 * This class touches only the JDK and the Lambda interfaces; each implementation's classes are
 * loaded by name, so a run loads nothing of the others.
 */
public final class ColdStart {

    private static final Pattern STATUS_CODE = Pattern.compile("\"statusCode\"\\s*:\\s*(\\d+)");

    private ColdStart() {
    }

    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        long mainEntered = System.currentTimeMillis();
        if (args.length != 4) {
            System.err.println("usage: ColdStart <ours|ours-before|ours-crt|common|sdk|floor|floor-stream> <handler class> <event.json> <expected status>");
            System.exit(2);
        }
        String impl = args[0];
        String handlerClass = args[1];
        Path eventFile = Path.of(args[2]);
        int expected = Integer.parseInt(args[3]);

        // Init: what Lambda's init phase runs for a Java handler.
        long initStarted = System.currentTimeMillis();
        Object handler = newHandler(impl, handlerClass);
        long initEnded = System.currentTimeMillis();

        // The first invocation, as the runtime runs it: event bytes in, response bytes out.
        ByteArrayOutputStream responseBytes = new ByteArrayOutputStream();
        int status;
        if (handler instanceof RequestStreamHandler stream) {
            try (InputStream in = Files.newInputStream(eventFile)) {
                stream.handleRequest(in, responseBytes, null);
            }
            Matcher statusCode = STATUS_CODE.matcher(responseBytes.toString(StandardCharsets.UTF_8));
            status = statusCode.find() ? Integer.parseInt(statusCode.group(1)) : -1;
        } else {
            status = invokePojo((RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>) handler, eventFile,
                    responseBytes);
        }
        long invocationEnded = System.currentTimeMillis();
        long cpuMs = cpuMillis();
        long rssKb = residentKb();

        if (status != expected) {
            System.err.printf("FAILED: %s %s on %s answered %d, expected %d: %s%n", impl, handlerClass, eventFile,
                    status, expected, responseBytes.toString(StandardCharsets.UTF_8));
            System.exit(1);
        }
        // Only now the management beans (their classes would otherwise count as the handler's).
        long jvmStarted = ManagementFactory.getRuntimeMXBean().getStartTime();
        long classes = ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount();
        String launched = System.getenv("BENCH_LAUNCH_EPOCH_MS");
        System.err.printf("{\"bench\":\"cold-start\",\"impl\":\"%s\",\"handler\":\"%s\",\"status\":%d,"
                        + "\"jvmToMainMs\":%d,\"initMs\":%d,\"firstInvocationMs\":%d,"
                        + "\"jvmToInitEndMs\":%d,\"jvmToFirstResponseMs\":%d,\"launchToFirstResponseMs\":%s,"
                        + "\"cpuMs\":%d,\"rssKb\":%d,\"classesLoaded\":%d}%n",
                impl, handlerClass, status,
                mainEntered - jvmStarted, initEnded - initStarted, invocationEnded - initEnded,
                initEnded - jvmStarted, invocationEnded - jvmStarted,
                launched == null ? "null" : Long.toString(invocationEnded - Long.parseLong(launched)),
                cpuMs, rssKb, classes);
    }

    /** The runtime's way with a POJO handler: its serializer reads the event and writes the response. */
    private static int invokePojo(RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler, Path eventFile,
                                  ByteArrayOutputStream responseBytes) throws IOException {
        ClassLoader loader = ColdStart.class.getClassLoader();
        PojoSerializer<APIGatewayV2HTTPEvent> events = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, loader);
        PojoSerializer<APIGatewayV2HTTPResponse> responses = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, loader);
        APIGatewayV2HTTPEvent event;
        try (InputStream in = Files.newInputStream(eventFile)) {
            event = events.fromJson(in);
        }
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        responses.toJson(response, responseBytes);
        return response.getStatusCode();
    }

    static Object newHandler(String impl, String handlerClass) throws ReflectiveOperationException {
        return switch (impl) {
            // As Lambda does: the handler's public no-argument constructor.
            case "ours", "ours-before", "common", "sdk", "floor", "floor-stream" -> Class.forName(handlerClass).getConstructor().newInstance();
            // Our handler, its SDK clients on the CRT HTTP client (built by a class loaded only here).
            case "ours-crt" -> Class.forName("io.serverlessmfa.bench.coldstart.OursOnCrt")
                    .getMethod("newHandler", String.class).invoke(null, handlerClass);
            default -> throw new IllegalArgumentException("ours, ours-before, ours-crt, common, sdk, floor or floor-stream, not " + impl);
        };
    }

    /**
     * The CPU time of the whole process so far (all threads: JIT compiler and GC included), from
     * utime + stime of /proc/self/stat, in clock ticks of 10 ms (USER_HZ); -1 where there is no /proc.
     * Less disturbed than wall time by other processes on the machine.
     */
    static long cpuMillis() throws IOException {
        Path stat = Path.of("/proc/self/stat");
        if (!Files.exists(stat)) {
            return -1;
        }
        String line = Files.readString(stat);
        // After "pid (comm) ": state is field 3, utime 14, stime 15.
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** VmRSS of /proc/self/status, in KiB (-1 where there is no /proc). */
    static long residentKb() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
