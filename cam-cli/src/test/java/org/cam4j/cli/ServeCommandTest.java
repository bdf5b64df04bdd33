package org.cam4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cam4j.cli.serve.CamServer;
import org.junit.jupiter.api.Test;

/** cam serve's start: hosts it cannot listen on are refused in one line naming the cause, and model ids are unique. */
class ServeCommandTest {
    @Test
    void anUnknownHostOrAnotherMachinesAddressIsRefusedInOneLine() {
        CliRun unknown = CliRun.of("serve", "--host", "no.such.host.invalid", "--port", "0");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--host no.such.host.invalid is not a name or address of this machine")
                .doesNotContain("\tat ");
        CliRun foreign = CliRun.of("serve", "--host", "203.0.113.77", "--port", "0");
        assertThat(foreign.exit()).isEqualTo(2);
        assertThat(foreign.err()).contains("--host must be an address of this machine").doesNotContain("--port");
    }

    @Test
    void modelsWithTheSameFileNameGetDistinctIds() {
        List<CamServer.Served> served = new ArrayList<>();
        for (String expected : List.of("resnet50", "resnet50-2", "resnet50-3")) {
            String id = ServeCommand.uniqueId("resnet50", served);
            assertThat(id).isEqualTo(expected);
            served.add(new CamServer.Served(id, Path.of(id + ".onnx"), null, null, null, null));
        }
        assertThat(ServeCommand.uniqueId("RESNET50", served)).isEqualTo("RESNET50-4");
    }
}
