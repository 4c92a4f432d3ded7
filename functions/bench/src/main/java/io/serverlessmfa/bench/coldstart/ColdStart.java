package io.serverlessmfa.bench.coldstart;

import com.amazonaws.services.lambda.runtime.RequestHandler;
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

/**
 * One cold start, in a fresh JVM started with Lambda's flags: the init phase (the handler built as
 * Lambda builds it) and the first invocation (the event read with the Lambda runtime's serializer,
 * the handler, the response written back), then one JSON line on stderr:
 * the times from JVM start (RuntimeMXBean) to the end of init and to the first response, the
 * process's CPU time by then, the resident memory after the first invocation (VmRSS) and the
 * classes loaded. Fails (exit 1) unless
 * the first invocation answers the expected status.
 *
 * <pre>ColdStart &lt;ours|ours-crt|common|floor&gt; &lt;handler class&gt; &lt;event.json&gt; &lt;expected status&gt;</pre>
 *
 * This class touches only the JDK and the Lambda interfaces; each implementation's classes are
 * loaded by name, so a run loads nothing of the others.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        long mainEntered = System.currentTimeMillis();
        if (args.length != 4) {
            System.err.println("usage: ColdStart <ours|ours-crt|common|floor> <handler class> <event.json> <expected status>");
            System.exit(2);
        }
        String impl = args[0];
        String handlerClass = args[1];
        Path eventFile = Path.of(args[2]);
        int expected = Integer.parseInt(args[3]);

        // Init: what Lambda's init phase runs for a Java handler.
        long initStarted = System.currentTimeMillis();
        RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> handler = newHandler(impl, handlerClass);
        long initEnded = System.currentTimeMillis();

        // The first invocation, as the runtime runs it: event bytes in, response bytes out.
        ClassLoader loader = ColdStart.class.getClassLoader();
        PojoSerializer<APIGatewayV2HTTPEvent> events = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, loader);
        PojoSerializer<APIGatewayV2HTTPResponse> responses = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, loader);
        APIGatewayV2HTTPEvent event;
        try (InputStream in = Files.newInputStream(eventFile)) {
            event = events.fromJson(in);
        }
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        ByteArrayOutputStream responseBytes = new ByteArrayOutputStream();
        responses.toJson(response, responseBytes);
        long invocationEnded = System.currentTimeMillis();
        long cpuMs = cpuMillis();
        long rssKb = residentKb();

        if (response.getStatusCode() != expected) {
            System.err.printf("FAILED: %s %s on %s answered %d, expected %d: %s%n", impl, handlerClass, eventFile,
                    response.getStatusCode(), expected, responseBytes.toString(StandardCharsets.UTF_8));
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
                impl, handlerClass, response.getStatusCode(),
                mainEntered - jvmStarted, initEnded - initStarted, invocationEnded - initEnded,
                initEnded - jvmStarted, invocationEnded - jvmStarted,
                launched == null ? "null" : Long.toString(invocationEnded - Long.parseLong(launched)),
                cpuMs, rssKb, classes);
    }

    @SuppressWarnings("unchecked")
    static RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> newHandler(String impl, String handlerClass)
            throws ReflectiveOperationException {
        return switch (impl) {
            // As Lambda does: the handler's public no-argument constructor.
            case "ours", "common", "floor" -> (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>)
                    Class.forName(handlerClass).getConstructor().newInstance();
            // Our handler, its SDK clients on the CRT HTTP client (built by a class loaded only here).
            case "ours-crt" -> (RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse>)
                    Class.forName("io.serverlessmfa.bench.coldstart.OursOnCrt")
                            .getMethod("newHandler", String.class).invoke(null, handlerClass);
            default -> throw new IllegalArgumentException("ours, ours-crt, common or floor, not " + impl);
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
