package io.serverlessmfa.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The lowest floor: a stream handler that reads nothing and writes a constant 200 response, the
 * least any Java function behind API Gateway can do (ours are stream handlers too).
 */
public final class FloorStreamHandler implements RequestStreamHandler {

    private static final byte[] RESPONSE = "{\"statusCode\":200,\"headers\":{\"content-type\":\"application/json\"},\"body\":\"{}\",\"isBase64Encoded\":false}"
            .getBytes(StandardCharsets.UTF_8);

    @Override
    public void handleRequest(InputStream in, OutputStream out, Context context) throws java.io.IOException {
        out.write(RESPONSE);
    }
}
