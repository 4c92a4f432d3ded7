package io.serverlessmfa.functions.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy in front of the emulator that passes AWS JSON-protocol calls through, except the
 * operations (by {@code X-Amz-Target}, e.g. {@code DynamoDB_20120810.PutItem}) it is told to
 * fail, which it answers with an AWS error of its own, or delay: a partial outage, throttling or
 * a slow dependency that the emulator itself cannot produce.
 */
public final class FaultProxy implements AutoCloseable {

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "date");

    private final URI target;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicInteger injected = new AtomicInteger();
    private volatile Predicate<String> failing = operation -> false;
    private volatile Predicate<String> delaying = operation -> false;
    private volatile Duration delay = Duration.ZERO;
    private final CountDownLatch delayed = new CountDownLatch(1);
    private volatile int faultStatus;
    private volatile String faultType;

    private FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** A proxy on a free loopback port in front of {@code target}. */
    public static FaultProxy start(URI target) {
        try {
            return new FaultProxy(target);
        } catch (IOException failed) {
            throw new IllegalStateException("cannot start the fault proxy", failed);
        }
    }

    /** The URL to give a client instead of the emulator's. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * From now on answers the operations {@code operations} accepts with {@code status} and an AWS
     * error body of type {@code errorType} (e.g. {@code ThrottlingException}).
     */
    public void fail(Predicate<String> operations, int status, String errorType) {
        this.faultStatus = status;
        this.faultType = errorType;
        this.failing = operations;
    }

    /**
     * From now on holds the operations {@code operations} accepts for {@code delay} before passing
     * them on: a slow dependency, to stall a request between its read and its write.
     */
    public void delay(Predicate<String> operations, Duration delay) {
        this.delay = delay;
        this.delaying = operations;
    }

    /** Waits until a request is being held by {@link #delay}; false on timeout. */
    public boolean awaitDelayedRequest(Duration timeout) throws InterruptedException {
        return delayed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many requests were answered with an injected error. */
    public int injected() {
        return injected.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String operation = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (operation != null && failing.test(operation)) {
                injected.incrementAndGet();
                byte[] error = ("{\"__type\":\"" + faultType + "\",\"message\":\"injected by FaultProxy\"}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
                exchange.getResponseHeaders().set("x-amzn-ErrorType", faultType);
                exchange.sendResponseHeaders(faultStatus, error.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(error);
                }
                return;
            }
            if (operation != null && delaying.test(operation)) {
                delayed.countDown();
                Thread.sleep(delay.toMillis());
            }
            forward(exchange, body);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(10));
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                header.getValue().forEach(value -> request.header(header.getKey(), value));
            }
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        if (answer.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }
}
