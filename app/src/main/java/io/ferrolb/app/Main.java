package io.ferrolb.app;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ferrolb} command line: one binary, one subcommand per role. */
@Command(
    name = "ferrolb",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A network load-balancer for bare-metal Kubernetes clusters.",
    subcommandsRepeatable = false)
public final class Main implements Runnable {

  /** The subcommands, one per line, so each role adds itself without touching the others. */
  static List<Object> subcommands() {
    List<Object> commands = new ArrayList<>();
    commands.add(new io.ferrolb.app.cli.ValidateCommand());
    commands.add(new io.ferrolb.app.cli.ExplainCommand());
    commands.add(new io.ferrolb.app.cli.DiffCommand());
    commands.add(new io.ferrolb.app.cli.ControllerCommand());
    commands.add(new io.ferrolb.app.cli.SpeakerCommand());
    commands.add(new io.ferrolb.app.cli.DemoCommand());
    commands.add(new io.ferrolb.app.cli.ApiServerCommand());
    return commands;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Builds the command line with every subcommand registered. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    for (Object sub : subcommands()) {
      cl.addSubcommand(sub);
    }
    return cl;
  }

  public static void main(String[] args) {
    if (args.length > 0 && List.of("demo", "validate", "explain", "diff").contains(args[0])) {
      // interactive commands print their own story; the JSON logs only for errors unless asked
      System.setProperty(
          "FERROLB_LOG_LEVEL", System.getenv().getOrDefault("FERROLB_LOG_LEVEL", "ERROR"));
    }
    System.exit(commandLine().execute(args));
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"ferrolb " + (v == null ? "dev" : v)};
    }
  }
}
