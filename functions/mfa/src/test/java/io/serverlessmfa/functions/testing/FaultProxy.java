package io.serverlessmfa.functions.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A fault-injecting HTTP proxy on loopback between the SDK clients under test and the emulator.
 * It reads each AWS JSON-protocol request, names it by its {@code X-Amz-Target} (e.g.
 * {@code DynamoDB_20120810.UpdateItem}, {@code TrentService.Decrypt}) and by how often that
 * operation has been seen (retries included), and then passes it on or injects a fault the
 * emulator itself cannot produce: a reset connection, a stall, throttling, an internal error or a
 * delay. A faulted request never reaches the emulator, so it cannot have changed any state.
 *
 * <p>Written on plain sockets rather than {@code com.sun.net.httpserver}: resetting a connection
 * (TCP RST) is not something an HTTP server API can do. It speaks just the HTTP/1.1 the SDK's
 * URLConnection client sends: requests with a {@code Content-Length} body, kept alive.
 */
public final class FaultProxy implements AutoCloseable {

    /** What can go wrong with one call. */
    public enum Fault {
        /** The connection is reset (TCP RST) after the request arrives: no answer at all. */
        REFUSE,
        /** The request is held and never answered: the client must give up on its own timeout. */
        STALL,
        /** The service's throttling error (HTTP 400). */
        THROTTLE,
        /** The service's internal error (HTTP 500). */
        INTERNAL_ERROR
    }

    /** One AWS call as the proxy saw it: the operation, and the how-many-th call of it this is (from 1). */
    public record Call(String operation, int occurrence) {

        /** {@code DynamoDB_20120810} or {@code TrentService}. */
        public String service() {
            int dot = operation.indexOf('.');
            return dot < 0 ? operation : operation.substring(0, dot);
        }

        /** {@code UpdateItem}, {@code Decrypt}, ... */
        public String action() {
            return operation.substring(operation.indexOf('.') + 1);
        }

        public boolean isKms() {
            return service().equals("TrentService");
        }

        @Override
        public String toString() {
            return (isKms() ? "KMS " : "DynamoDB ") + action() + (occurrence > 1 ? " #" + occurrence : "");
        }
    }

    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive", "date");
    /** A stalled request is let go (unanswered) at the latest when the proxy closes or after this. */
    private static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    private final URI target;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> seen = new HashMap<>();
    private final AtomicInteger injected = new AtomicInteger();
    private final CountDownLatch delayed = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private FaultProxy(URI target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
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
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * From now on answers the operations {@code operations} accepts with {@code status} and an AWS
     * error body of type {@code errorType} (e.g. {@code ThrottlingException}).
     */
    public void fail(Predicate<String> operations, int status, String errorType) {
        rules.add(new Rule(call -> operations.test(call.operation()), Action.error(status, errorType)));
    }

    /** From now on injects {@code fault} into the calls {@code when} accepts. */
    public void inject(Fault fault, Predicate<Call> when) {
        rules.add(new Rule(when, Action.fault(fault)));
    }

    /**
     * From now on holds the operations {@code operations} accepts for {@code delay} before passing
     * them on: a slow dependency, to stall a request between its read and its write.
     */
    public void delay(Predicate<String> operations, Duration delay) {
        rules.add(new Rule(call -> operations.test(call.operation()), Action.delay(delay)));
    }

    /** From now on passes everything through again. */
    public void clear() {
        rules.clear();
    }

    /** Waits until a request is being held by {@link #delay}; false on timeout. */
    public boolean awaitDelayedRequest(Duration timeout) throws InterruptedException {
        return delayed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many requests were answered with an injected fault. */
    public int injected() {
        return injected.get();
    }

    /** Every call seen so far, in order, faulted or not. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        connections.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException closedOrFailed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (true) {
                Optional<Request> read = Request.read(in);
                if (read.isEmpty()) {
                    return; // the client closed its keep-alive connection
                }
                Request request = read.get();
                Call call = record(request.header("x-amz-target").orElse(request.method() + " " + request.path()));
                Action action = rules.stream().filter(rule -> rule.when().test(call)).map(Rule::action)
                        .findFirst().orElse(Action.PASS);
                switch (action.kind()) {
                    case REFUSE -> {
                        injected.incrementAndGet();
                        socket.setSoLinger(true, 0); // close() now sends RST, not FIN
                        return;
                    }
                    case STALL -> {
                        injected.incrementAndGet();
                        closed.await(STALL_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                        return;
                    }
                    case ERROR -> {
                        injected.incrementAndGet();
                        writeError(out, call, action);
                    }
                    case DELAY -> {
                        delayed.countDown();
                        Thread.sleep(action.delay().toMillis());
                        forward(request, out);
                    }
                    case PASS -> forward(request, out);
                }
            }
        } catch (SocketException clientWentAway) {
            // the client timed out or the proxy closed: nothing left to answer
        } catch (IOException failed) {
            System.err.println("fault proxy: " + failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(socket);
        }
    }

    private synchronized Call record(String operation) {
        int occurrence = seen.merge(operation, 1, Integer::sum);
        Call call = new Call(operation, occurrence);
        calls.add(call);
        return call;
    }

    private static void writeError(OutputStream out, Call call, Action action) throws IOException {
        String type = action.errorType() != null ? action.errorType() : errorType(call, action.status());
        byte[] body = ("{\"__type\":\"" + type + "\",\"message\":\"injected by FaultProxy\"}")
                .getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = Map.of(
                "Content-Type", List.of(call.isKms() ? "application/x-amz-json-1.1" : "application/x-amz-json-1.0"),
                "x-amzn-ErrorType", List.of(type));
        writeResponse(out, action.status(), headers, body);
    }

    /** The error each service really sends for throttling (400) and for an internal fault (500). */
    private static String errorType(Call call, int status) {
        if (call.isKms()) {
            return status == 400 ? "ThrottlingException" : "KMSInternalException";
        }
        return status == 400 ? "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
                : "com.amazonaws.dynamodb.v20120810#InternalServerError";
    }

    private void forward(Request request, OutputStream out) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target.resolve(request.path()))
                .method(request.method(), HttpRequest.BodyPublishers.ofByteArray(request.body()))
                .timeout(Duration.ofSeconds(10));
        for (String[] header : request.headers()) {
            if (!HOP_BY_HOP.contains(header[0].toLowerCase(Locale.ROOT))) {
                builder.header(header[0], header[1]);
            }
        }
        HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, List<String>> headers = new HashMap<>();
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                headers.put(name, values);
            }
        });
        writeResponse(out, response.statusCode(), headers, response.body());
    }

    private static void writeResponse(OutputStream out, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(status < 400 ? " OK" : " Error")
                .append("\r\n");
        headers.forEach((name, values) -> values.forEach(value -> head.append(name).append(": ").append(value)
                .append("\r\n")));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private record Rule(Predicate<Call> when, Action action) {
    }

    private enum Kind { PASS, REFUSE, STALL, ERROR, DELAY }

    private record Action(Kind kind, int status, String errorType, Duration delay) {

        static final Action PASS = new Action(Kind.PASS, 0, null, null);

        static Action fault(Fault fault) {
            return switch (fault) {
                case REFUSE -> new Action(Kind.REFUSE, 0, null, null);
                case STALL -> new Action(Kind.STALL, 0, null, null);
                case THROTTLE -> new Action(Kind.ERROR, 400, null, null);
                case INTERNAL_ERROR -> new Action(Kind.ERROR, 500, null, null);
            };
        }

        static Action error(int status, String errorType) {
            return new Action(Kind.ERROR, status, errorType, null);
        }

        static Action delay(Duration delay) {
            return new Action(Kind.DELAY, 0, null, delay);
        }
    }

    /** One HTTP/1.1 request: what the SDK's URLConnection client sends (a Content-Length body). */
    private record Request(String method, String path, List<String[]> headers, byte[] body) {

        Optional<String> header(String name) {
            return headers.stream().filter(header -> header[0].equalsIgnoreCase(name)).map(header -> header[1])
                    .findFirst();
        }

        static Optional<Request> read(InputStream in) throws IOException {
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return Optional.empty();
            }
            String[] parts = requestLine.split(" ");
            if (parts.length != 3) {
                throw new IOException("not an HTTP/1.1 request line: " + requestLine);
            }
            List<String[]> headers = new ArrayList<>();
            for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
            }
            Request head = new Request(parts[0], parts[1], headers, new byte[0]);
            if (head.header("transfer-encoding").isPresent()) {
                throw new IOException("chunked request bodies are not supported by this proxy");
            }
            int length = head.header("content-length").map(Integer::parseInt).orElse(0);
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                return Optional.empty();
            }
            return Optional.of(new Request(parts[0], parts[1], headers, body));
        }

        /** One CRLF-terminated line (ISO-8859-1, as HTTP/1.1 headers are), null at end of stream. */
        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
