package dev.refarch.realtime.local;

import com.adobe.testing.s3mock.S3MockApplication;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;

/**
 * The S3Mock child JVM's entry point. S3Mock's own {@code main} adds an HTTP connector bound to
 * every interface and an HTTPS one with a self-signed certificate; this starts the same
 * application with plain HTTP on {@code server.address} (127.0.0.1) and its extra connector bound
 * to 127.0.0.1 too, so nothing of the run listens beyond loopback.
 */
public final class S3MockLauncher {

    private S3MockLauncher() {
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(S3MockApplication.class, LoopbackConnectors.class)
                .bannerMode(Banner.Mode.OFF)
                .run(args);
    }

    /** Binds S3Mock's additional connector to loopback. */
    public static final class LoopbackConnectors implements BeanPostProcessor {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof TomcatServletWebServerFactory factory) {
                factory.getAdditionalTomcatConnectors().forEach(c -> c.setProperty("address", "127.0.0.1"));
            }
            return bean;
        }
    }
}
