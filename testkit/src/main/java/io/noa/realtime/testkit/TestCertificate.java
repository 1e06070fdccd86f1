package io.noa.realtime.testkit;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLContext;

/**
 * A self-signed TLS certificate for {@code localhost} and {@code 127.0.0.1}, made in memory for
 * tests (no files, no key stores on disk). Pass it to a server builder's {@code tls(...)} and give
 * the client {@link #clientContext()}, which trusts this certificate and nothing else, so the
 * client's normal certificate and host name checks stay on.
 *
 * <!-- snippet: samples/src/test/java/io/noa/realtime/samples/docs/TestkitExamplesTest.java#test-certificate -->
 * <pre>{@code
 * TestCertificate cert = TestCertificate.create();
 * try (MockInferenceServer server = MockInferenceServer.builder().tls(cert).defaultReply("over TLS").start()) {
 *     HttpClient client = HttpClient.newBuilder().sslContext(cert.clientContext()).build();
 *     HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.chatUri())
 *             .POST(HttpRequest.BodyPublishers.ofString("{\"stream\":true,\"messages\":[]}")).build(),
 *             HttpResponse.BodyHandlers.ofString());
 *     assertThat(response.body()).contains("TLS");
 * }
 * }</pre>
 *
 * <p>Creating one takes a few hundred milliseconds (an EC P-256 key pair); share one instance
 * between the tests of a class. Instances are immutable and thread-safe.
 */
public final class TestCertificate {
    private final X509Bundle bundle;
    private final SSLContext server;
    private final SSLContext client;

    private TestCertificate(X509Bundle bundle) throws GeneralSecurityException {
        this.bundle = bundle;
        this.server = SSLContext.getInstance("TLS");
        this.server.init(bundle.toKeyManagerFactory().getKeyManagers(), null, null);
        this.client = SSLContext.getInstance("TLS");
        this.client.init(null, bundle.toTrustManagerFactory().getTrustManagers(), null);
    }

    /**
     * Creates a new self-signed certificate valid for the DNS name {@code localhost} and the IP
     * address {@code 127.0.0.1}, from one hour ago for one day.
     *
     * @return the certificate with its private key
     * @throws IllegalStateException if the platform cannot create the key or certificate
     */
    public static TestCertificate create() {
        Instant now = Instant.now();
        try {
            X509Bundle bundle = new CertificateBuilder()
                    .subject("CN=localhost, O=noa-realtime testkit")
                    .addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1")
                    .notBefore(now.minus(1, ChronoUnit.HOURS))
                    .notAfter(now.plus(1, ChronoUnit.DAYS))
                    .ecp256()
                    .setIsCertificateAuthority(true) // pkitesting builds self-signed roots only
                    .setKeyUsage(true, CertificateBuilder.KeyUsage.digitalSignature,
                            CertificateBuilder.KeyUsage.keyCertSign)
                    .addExtendedKeyUsageServerAuth()
                    .buildSelfSigned();
            return new TestCertificate(bundle);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a self-signed test certificate: " + e, e);
        }
    }

    /**
     * An {@link SSLContext} holding this certificate and its private key, for servers.
     *
     * @return the server context (shared; do not re-initialise it)
     */
    public SSLContext serverContext() {
        return server;
    }

    /**
     * An {@link SSLContext} for clients that trusts only this certificate.
     *
     * @return the client context (shared; do not re-initialise it)
     */
    public SSLContext clientContext() {
        return client;
    }

    /**
     * The certificate.
     *
     * @return the X.509 certificate
     */
    public X509Certificate certificate() {
        return bundle.getCertificate();
    }

    /**
     * The certificate in PEM form, for clients configured from files or strings.
     *
     * @return the PEM text ({@code -----BEGIN CERTIFICATE-----...})
     */
    public String certificatePem() {
        return bundle.getCertificatePEM();
    }

    @Override
    public String toString() {
        return "TestCertificate[" + certificate().getSubjectX500Principal().getName() + "]";
    }
}
