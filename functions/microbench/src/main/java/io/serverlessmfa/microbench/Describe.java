package io.serverlessmfa.microbench;

import io.serverlessmfa.core.enrollment.SetupStarted;

/**
 * Prints, as one JSON object per line, what each implementation's setup produced (Key URI length, QR image side
 * and PNG size), for the notes next to the timings. Runs each benchmark's sanity checks on the way.
 */
public final class Describe {

    private Describe() {
    }

    public static void main(String[] args) throws Exception {
        Ours ours = new Ours();
        ours.setUp();
        SetupStarted started = ours.setup();
        print("ours", started.otpauthUri(), started.qrCode());

        JavaTotp javaTotp = new JavaTotp();
        javaTotp.setUp();
        JavaTotp.Started javaTotpStarted = javaTotp.setup();
        print("java-totp", javaTotpStarted.uri(), javaTotpStarted.dataUri());

        GoogleAuth googleAuth = new GoogleAuth();
        googleAuth.setUp();
        GoogleAuth.Started googleAuthStarted = googleAuth.setup();
        print("googleauth", googleAuthStarted.url(), googleAuthStarted.dataUri());
    }

    private static void print(String implementation, String uri, String dataUri) {
        byte[] png = Fixtures.png(dataUri);
        System.out.printf("{\"impl\":\"%s\",\"uriChars\":%d,\"qrPixels\":%d,\"pngBytes\":%d,\"dataUriChars\":%d}%n",
                implementation, uri.length(), Fixtures.width(png), png.length, dataUri.length());
    }
}
