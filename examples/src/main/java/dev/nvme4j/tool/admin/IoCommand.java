package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** Common part of the I/O commands: {@code --namespace-id}, one queue pair, status reporting. */
abstract class IoCommand extends AdminCommand {
    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", defaultValue = "1",
            description = "Namespace (default ${DEFAULT-VALUE}).")
    int nsid = 1;

    @Override
    final void run(Controller c, PrintWriter out) {
        Namespace ns = namespace(c, nsid);
        try (IoQueuePair qp = c.createQueuePair()) {
            io(c, ns, qp, out);
        }
    }

    abstract void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out);

    /** Sends an I/O command and waits for it; a failed status is a ToolException. */
    Completion submit(IoQueuePair qp, RawCommand cmd, DmaBuffer buf) {
        return check(qp.passthroughSync(cmd, buf));
    }

    /** {@code done}, or a ToolException with nvme-cli's "NVMe status: ..." when it failed. */
    Completion check(Completion done) {
        if (!done.isSuccess()) {
            throw failed(done.status());
        }
        return done;
    }

    /** nvme-cli's success line, on stderr as nvme-cli prints it. */
    void success(String line) {
        spec.commandLine().getErr().println(line);
    }

    /** The first LBA and 0-based count checked against the namespace; returns the block count. */
    static int blocks(Namespace ns, long slba, long nlb0) {
        if (nlb0 < 0 || nlb0 > 0xFFFF) {
            throw ToolException.usage("Invalid value for option '--block-count': " + nlb0
                    + " (0-based, 0-65535)");
        }
        long n = nlb0 + 1;
        if (slba < 0 || slba + n > ns.sizeBlocks()) {
            throw ToolException.usage(String.format("blocks %d-%d are outside namespace %d (%d blocks, 0-%d)",
                    slba, slba + n - 1, ns.nsid(), ns.sizeBlocks(), ns.sizeBlocks() - 1));
        }
        return (int) n;
    }

}
