package org.cam4j.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code cam completion}: the bash (and zsh) completion script of every command and option. */
@Command(name = "completion", mixinStandardHelpOptions = true, description = {"Print the shell completion script of"
        + " cam's commands and options, for bash and zsh:", "  source <(./cam completion)     # this shell",
    "  ./cam completion > ~/.local/share/bash-completion/completions/cam"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine root = spec.commandLine().getParent();
        spec.commandLine().getOut().print(AutoComplete.bash("cam", root));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
