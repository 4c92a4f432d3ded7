package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.SetupStarted;
import io.serverlessmfa.core.enrollment.StartSetup;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.uri.AccountNames;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/** {@code POST /mfa/setup}. KMS Encrypt only: this function can never decrypt a secret. */
public final class SetupHandler extends MfaFunction {

    /** Long enough for any e-mail address (RFC 5321 caps a path at 256), short enough for a QR code. */
    static final int MAX_ACCOUNT_NAME_LENGTH = 256;
    /** Pixels per QR module: about 350 px square for a typical Key URI. */
    static final int QR_PIXELS_PER_MODULE = 6;

    private final StartSetup setup;

    public SetupHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public SetupHandler(Wiring wiring) {
        super("setup", wiring);
        this.setup = new StartSetup(wiring.store(), wiring.cipher(), new TotpSecretGenerator(wiring.random()),
                new QrCodeRenderer(QR_PIXELS_PER_MODULE), wiring.policy(), wiring.clock());
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String accountName = accountName(request);
        SetupStarted started = setup.start(request.origin(), request.userId(), accountName);
        return ApiResponse.json(201, JsonObject.create()
                .field("status", "PENDING")
                .field("secret", started.secret())
                .field("otpauthUri", started.otpauthUri())
                .field("qrCode", started.qrCode())
                .field("expiresAt", ApiResponse.timestamp(started.expiresAt()))
                .build()).withMetrics(MfaMetric.SETUP_STARTED);
    }

    private static String accountName(ApiRequest request) {
        String name;
        try {
            name = AccountNames.fromClaims(request.claims());
        } catch (IllegalArgumentException none) {
            throw new InvalidRequestException("the token carries no name for the account");
        }
        if (name.length() > MAX_ACCOUNT_NAME_LENGTH) {
            throw new InvalidRequestException("the account name in the token is longer than " + MAX_ACCOUNT_NAME_LENGTH + " characters");
        }
        return name;
    }
}
