package dev.nvme4j.tool.admin;

import java.io.PrintWriter;

/** nvme-cli's hex dump: a column header, then 16 bytes a line with their offset and ASCII. Stateless. */
final class HexDump {
    private HexDump() {
    }

    static void print(PrintWriter out, byte[] b) {
        out.println("       0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f");
        for (int off = 0; off < b.length; off += 16) {
            StringBuilder hex = new StringBuilder(String.format("%04x:", off));
            StringBuilder ascii = new StringBuilder();
            for (int i = off; i < off + 16; i++) {
                if (i < b.length) {
                    int v = b[i] & 0xFF;
                    hex.append(String.format(" %02x", v));
                    ascii.append(v >= 0x20 && v < 0x7F ? (char) v : '.');
                } else {
                    hex.append("   ");
                }
            }
            out.println(hex + " \"" + ascii + "\"");
        }
    }
}
