package dev.rafiki.platform.net;

import java.net.InetAddress;
import java.util.List;

/**
 * The IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates), as one
 * table of CIDR blocks, and what each means for a URL Rafiki is asked to call. An address in no
 * block is an ordinary public one. An address in several blocks is judged by the most specific
 * (longest prefix), as a router would; blocks that carry an IPv4 address inside an IPv6 one
 * (mapped, NAT64, 6to4) are judged by that IPv4 address too, so a private or reserved address
 * cannot be reached in IPv6 clothing.
 */
public final class SpecialPurposeAddresses {

    /** What an address is to a sender of requests; later constants are stricter. */
    public enum Kind {
        /** globally routed: allowed */
        PUBLIC,
        /** a network of one's own (loopback, private use, link-local, shared, unique local): allowed only by choice */
        PRIVATE,
        /** never a receiver (this network, documentation, benchmarking, reserved, broadcast, multicast, protocol use) */
        NEVER
    }

    /** Where an IPv6 block carries an IPv4 address that decides as well. */
    enum Embedded {
        NONE,
        /** the last 32 bits (IPv4-mapped, IPv4-compatible, NAT64 /96) */
        LAST_32,
        /** bits 16 to 47 (6to4, RFC 3056) */
        SIX_TO_FOUR,
        /** bits 48 to 63 and 72 to 87 around the zero octet (a /48 NAT64 prefix, RFC 6052) */
        NAT64_48
    }

    /** One row of the table. */
    record Block(String cidr, byte[] prefix, int bits, Kind kind, Embedded embedded, String name) {

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            int mask = (0xff << (8 - rest)) & 0xff;
            return rest == 0 || (address[whole] & mask) == (prefix[whole] & mask);
        }

        byte[] embeddedIpv4(byte[] address) {
            return switch (embedded) {
                case LAST_32 -> new byte[] {address[12], address[13], address[14], address[15]};
                case SIX_TO_FOUR -> new byte[] {address[2], address[3], address[4], address[5]};
                case NAT64_48 -> new byte[] {address[6], address[7], address[9], address[10]};
                case NONE -> throw new IllegalStateException(cidr + " embeds no IPv4 address");
            };
        }

        @Override
        public String toString() {
            return cidr + " (" + name + ")";
        }
    }

    /** The verdict on one address; {@code block} names the deciding block, null for a public address. */
    public record Verdict(Kind kind, String block) {
    }

    private static final Verdict PUBLIC = new Verdict(Kind.PUBLIC, null);

    static final List<Block> TABLE = List.of(
            block("0.0.0.0/8", Kind.NEVER, "this network"),
            block("10.0.0.0/8", Kind.PRIVATE, "private use"),
            block("100.64.0.0/10", Kind.PRIVATE, "shared address space"),
            block("127.0.0.0/8", Kind.PRIVATE, "loopback"),
            block("169.254.0.0/16", Kind.PRIVATE, "link local"),
            block("172.16.0.0/12", Kind.PRIVATE, "private use"),
            block("192.0.0.0/24", Kind.NEVER, "IETF protocol assignments"),
            block("192.0.2.0/24", Kind.NEVER, "documentation, TEST-NET-1"),
            block("192.31.196.0/24", Kind.NEVER, "AS112-v4"),
            block("192.52.193.0/24", Kind.NEVER, "AMT"),
            block("192.88.99.0/24", Kind.NEVER, "deprecated 6to4 relay anycast"),
            block("192.168.0.0/16", Kind.PRIVATE, "private use"),
            block("192.175.48.0/24", Kind.NEVER, "direct delegation AS112 service"),
            block("198.18.0.0/15", Kind.NEVER, "benchmarking"),
            block("198.51.100.0/24", Kind.NEVER, "documentation, TEST-NET-2"),
            block("203.0.113.0/24", Kind.NEVER, "documentation, TEST-NET-3"),
            block("224.0.0.0/4", Kind.NEVER, "multicast"),
            block("240.0.0.0/4", Kind.NEVER, "reserved"),
            block("255.255.255.255/32", Kind.NEVER, "limited broadcast"),

            block("::/128", Kind.NEVER, "unspecified address"),
            block("::1/128", Kind.PRIVATE, "loopback"),
            // not in the registry (deprecated by RFC 4291), but a kernel may still route it to the IPv4 address
            embedding("::/96", Kind.PUBLIC, Embedded.LAST_32, "IPv4-compatible"),
            embedding("::ffff:0:0/96", Kind.PUBLIC, Embedded.LAST_32, "IPv4-mapped"),
            embedding("64:ff9b::/96", Kind.PUBLIC, Embedded.LAST_32, "IPv4-IPv6 translation"),
            embedding("64:ff9b:1::/48", Kind.PRIVATE, Embedded.NAT64_48, "local-use IPv4-IPv6 translation"),
            block("100::/64", Kind.NEVER, "discard-only"),
            block("2001::/23", Kind.NEVER, "IETF protocol assignments"),
            block("2001:db8::/32", Kind.NEVER, "documentation"),
            embedding("2002::/16", Kind.PUBLIC, Embedded.SIX_TO_FOUR, "6to4"),
            block("3fff::/20", Kind.NEVER, "documentation"),
            block("5f00::/16", Kind.NEVER, "segment routing (SRv6) SIDs"),
            block("fc00::/7", Kind.PRIVATE, "unique local"),
            block("fe80::/10", Kind.PRIVATE, "link-local unicast"),
            // deprecated by RFC 3879, not in the registry; refused before this table existed, and still a local network
            block("fec0::/10", Kind.PRIVATE, "site-local"),
            block("ff00::/8", Kind.NEVER, "multicast"));

    private SpecialPurposeAddresses() {
    }

    public static Verdict of(InetAddress address) {
        return of(address.getAddress());
    }

    static Verdict of(byte[] address) {
        Block deciding = null;
        for (var block : TABLE) {
            if (block.contains(address) && (deciding == null || block.bits() > deciding.bits())) {
                deciding = block;
            }
        }
        if (deciding == null) {
            return PUBLIC;
        }
        var verdict = new Verdict(deciding.kind(), deciding.toString());
        if (deciding.embedded() != Embedded.NONE) {
            var inner = of(deciding.embeddedIpv4(address));
            if (inner.kind().compareTo(deciding.kind()) > 0) {
                verdict = new Verdict(inner.kind(), deciding + " carrying " + inner.block());
            }
        }
        return verdict.kind() == Kind.PUBLIC ? PUBLIC : verdict;
    }

    private static Block block(String cidr, Kind kind, String name) {
        return embedding(cidr, kind, Embedded.NONE, name);
    }

    private static Block embedding(String cidr, Kind kind, Embedded embedded, String name) {
        int slash = cidr.indexOf('/');
        var address = cidr.substring(0, slash);
        var prefix = address.contains(":") ? ipv6(address) : ipv4(address);
        return new Block(cidr, prefix, Integer.parseInt(cidr.substring(slash + 1)), kind, embedded, name);
    }

    private static byte[] ipv4(String text) {
        var parts = text.split("\\.");
        var bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    /** Parsed here: {@link InetAddress} turns an IPv4-mapped literal into an IPv4 address. */
    private static byte[] ipv6(String text) {
        int gap = text.indexOf("::");
        var head = gap < 0 ? text : text.substring(0, gap);
        var tail = gap < 0 ? "" : text.substring(gap + 2);
        var headGroups = head.isEmpty() ? new String[0] : head.split(":");
        var tailGroups = tail.isEmpty() ? new String[0] : tail.split(":");
        var bytes = new byte[16];
        for (int i = 0; i < headGroups.length; i++) {
            put(bytes, i, headGroups[i]);
        }
        for (int i = 0; i < tailGroups.length; i++) {
            put(bytes, 8 - tailGroups.length + i, tailGroups[i]);
        }
        return bytes;
    }

    private static void put(byte[] bytes, int group, String hex) {
        int value = Integer.parseInt(hex, 16);
        bytes[2 * group] = (byte) (value >> 8);
        bytes[2 * group + 1] = (byte) value;
    }
}
