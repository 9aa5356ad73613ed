// Starts DynamoDB Local listening on one address only (127.0.0.1 unless -Domnilab.dynamodb.host says
// otherwise): the jar has no bind option, so this builds its server as the jar's main does, sets the
// host of its Jetty connector, and starts it. Run by local/dynamodb-local.ts with Java's source launcher:
//   java [-Domnilab.dynamodb.host=127.0.0.1] dynamodb-local-loopback.java <DynamoDBLocal.jar> <DynamoDB Local options>
// With -Domnilab.exit-with-parent=true it exits once its standard input ends: the parent holds the
// other end of that pipe, so however the parent ends (even SIGKILL), the JVM follows it.

import java.io.File;
import java.lang.reflect.Field;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class DynamoDbLocalLoopback {
  public static void main(String[] args) {
    if (Boolean.getBoolean("omnilab.exit-with-parent")) exitWhenStdinEnds();
    try {
      start(args);
    } catch (Exception e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
      System.err.println("DynamoDB Local did not start on one address: " + cause);
      System.exit(1);
    }
  }

  private static void exitWhenStdinEnds() {
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // Nothing is ever sent: only the end matters.
        }
      } catch (java.io.IOException e) {
        // A broken pipe is an end too.
      }
      System.exit(0);
    }, "omnilab-parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void start(String[] args) throws Exception {
    String host = System.getProperty("omnilab.dynamodb.host", "127.0.0.1");
    File jar = new File(args[0]);
    List<URL> urls = new ArrayList<>();
    urls.add(jar.toURI().toURL());
    File[] libs = new File(jar.getParentFile(), "DynamoDBLocal_lib").listFiles((dir, name) -> name.endsWith(".jar"));
    if (libs == null) throw new IllegalStateException("no DynamoDBLocal_lib next to " + jar);
    for (File lib : libs) urls.add(lib.toURI().toURL());
    ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), DynamoDbLocalLoopback.class.getClassLoader());
    Thread.currentThread().setContextClassLoader(loader);

    Class<?> runner = loader.loadClass("software.amazon.dynamodb.services.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class)
        .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object server = field.get(proxy);
    Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
    // Fail closed: a release whose server is built differently must not quietly listen everywhere.
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local built a server without a connector");
    for (Object connector : connectors) {
      connector.getClass().getMethod("setHost", String.class).invoke(connector, host);
    }
    proxy.getClass().getMethod("start").invoke(proxy);
    for (Object connector : connectors) {
      Object bound = connector.getClass().getMethod("getHost").invoke(connector);
      if (!host.equals(bound)) throw new IllegalStateException("DynamoDB Local listens on " + bound + ", not " + host);
    }
  }
}
