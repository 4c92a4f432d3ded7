package io.serverlessmfa.functions.handler;

import io.serverlessmfa.core.enrollment.FreshSignIn;
import io.serverlessmfa.core.enrollment.SetupStarted;
import io.serverlessmfa.core.enrollment.StartSetup;
import io.serverlessmfa.core.port.SecretEncryptor;
import io.serverlessmfa.core.qr.QrCodeRenderer;
import io.serverlessmfa.core.secret.TotpSecretGenerator;
import io.serverlessmfa.core.uri.AccountNames;
import io.serverlessmfa.functions.config.Wiring;
import io.serverlessmfa.functions.http.ApiRequest;
import io.serverlessmfa.functions.http.ApiResponse;
import io.serverlessmfa.functions.http.InvalidRequestException;
import io.serverlessmfa.functions.http.JsonObject;
import io.serverlessmfa.functions.metrics.MfaMetric;

/**
 * {@code POST /mfa/setup}. KMS GenerateDataKey (or Encrypt) only: this function can never decrypt a
 * secret. Needs a fresh sign-in ({@link FreshSignIn}): an old stolen token must not enrol its
 * thief's authenticator.
 */
public final class SetupHandler extends MfaFunction {

    /** Long enough for any e-mail address (RFC 5321 caps a path at 256), short enough for a QR code. */
    static final int MAX_ACCOUNT_NAME_LENGTH = 256;
    /** Pixels per QR module: about 350 px square for a typical Key URI. */
    static final int QR_PIXELS_PER_MODULE = 6;

    public SetupHandler() {
        this(Wiring.fromEnvironment(System.getenv()));
    }

    public SetupHandler(Wiring wiring) {
        super(wiring, route(wiring));
    }

    /**
     * Primed: everything but the write, up to the 201 and its JSON: a secret from the shared
     * SecureRandom (reseeded after every restore), the Key URI, the QR code and its PNG, sealing it
     * (a KMS GenerateDataKey, forgotten again after the restore: Wiring.afterRestore; KMS keeps
     * nothing and CloudTrail records the call), and a read of the priming user in place of the
     * write (Priming.readOnly). That secret is no enrollment's: never stored nor shown; StartSetup
     * wipes its bytes, and its text in the dropped answer is garbage in the snapshot, a key to
     * nothing.
     *
     * <p>Not primed: the write (TransactWriteItems), which would start a pending setup, audit it
     * and count it. A write made to fail its condition would leave the table as it is, but it is
     * still a write that DynamoDB bills and reports, so priming leaves it out.
     */
    private static Route route(Wiring wiring) {
        SecretEncryptor cipher = wiring.cipher();
        TotpSecretGenerator secrets = new TotpSecretGenerator(wiring.random());
        QrCodeRenderer qrCodes = new QrCodeRenderer(QR_PIXELS_PER_MODULE);
        FreshSignIn freshSignIn = wiring.freshSignIn();
        return Route.writing("setup", "POST /mfa/setup",
                store -> new StartSetup(wiring.attempts(store), cipher, secrets, qrCodes),
                (setup, request) -> {
                    freshSignIn.require(request.claims());
                    SetupStarted started = setup.start(request.origin(), request.userId(), accountName(request));
                    return ApiResponse.json(201, JsonObject.create()
                            .field("status", "PENDING")
                            .field("secret", started.secret())
                            .field("otpauthUri", started.otpauthUri())
                            .field("qrCode", started.qrCode())
                            .field("expiresAt", ApiResponse.timestamp(started.expiresAt()))
                            .build()).withMetrics(MfaMetric.SETUP_STARTED);
                });
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
