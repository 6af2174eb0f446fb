import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local listening on the loopback interface only.
 *
 * DynamoDB Local has no bind-address option: its server is a Jetty Server built with `new Server(port)`, whose
 * connector listens on every interface. This launcher builds the same server from the same command line
 * (ServerRunner.createServerFromCommandLineArgs, DynamoDB Local's documented embedding entry point), sets the
 * connector's host before it starts, and starts it. Telemetry is never configured here, so none is sent (the twin
 * passes -disableTelemetry as well). The host comes from -Ddynamodb.local.host (default 127.0.0.1).
 */
public class DynamoDbLocalOnLoopback {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("dynamodb.local.host", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
    }
    // safeStart: Jetty's start alone, so a port already taken fails the process instead of leaving it half up,
    // and no start-up telemetry event is emitted.
    proxy.safeStart();
    System.out.println("DynamoDB Local listening on " + host);
  }
}
