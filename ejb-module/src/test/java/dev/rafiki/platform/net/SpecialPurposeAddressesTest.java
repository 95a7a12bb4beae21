package dev.rafiki.platform.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rafiki.platform.net.SpecialPurposeAddresses.Block;
import dev.rafiki.platform.net.SpecialPurposeAddresses.Embedded;
import dev.rafiki.platform.net.SpecialPurposeAddresses.Kind;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/** The special-purpose table: what is inside a block is refused, what is just outside is not. */
class SpecialPurposeAddressesTest {

    @Provide
    Arbitrary<Block> blocks() {
        return Arbitraries.of(SpecialPurposeAddresses.TABLE);
    }

    /** A block and a random address inside it. */
    @Provide
    Arbitrary<Tuple2<Block, byte[]>> inside() {
        return blocks().flatMap(block -> Arbitraries.bytes().array(byte[].class).ofSize(block.prefix().length)
                .map(random -> Tuple.of(block, within(block, random))));
    }

    @Property(tries = 5000)
    void everyAddressInsideABlockWithoutAnEmbeddedAddressIsRefused(@ForAll("inside") Tuple2<Block, byte[]> sample) {
        var block = sample.get1();
        var address = sample.get2();
        if (block.embedded() != Embedded.NONE) {
            return;
        }
        var verdict = SpecialPurposeAddresses.of(address);
        assertNotEquals(Kind.PUBLIC, verdict.kind(), block + ": " + text(address));
        assertTrue(OutboundTargets.refusal(inet(address), false) != null, block + ": " + text(address));
        // a more specific block decides, as in routing; within this table only ::/128 and ::1/128 sit inside another block
        var deciding = mostSpecific(address);
        assertEquals(deciding.kind(), verdict.kind(), text(address));
        if (deciding.kind() == Kind.NEVER) {
            assertTrue(OutboundTargets.refusal(inet(address), true) != null,
                    "allowing private networks lets no " + deciding + " through: " + text(address));
        }
    }

    @Property(tries = 3000)
    void anEmbeddedIpv4AddressDecidesAsIfItWereUsedDirectly(@ForAll("inside") Tuple2<Block, byte[]> sample) {
        var block = sample.get1();
        var address = sample.get2();
        if (block.embedded() == Embedded.NONE || mostSpecific(address) != block) {
            return;
        }
        var inner = SpecialPurposeAddresses.of(block.embeddedIpv4(address)).kind();
        var expected = inner.compareTo(block.kind()) > 0 ? inner : block.kind();
        assertEquals(expected, SpecialPurposeAddresses.of(address).kind(), block + ": " + text(address));
    }

    @Property(tries = 500)
    void theAddressesJustOutsideABlockAreAllowedUnlessAnotherBlockHoldsThem(@ForAll("blocks") Block block) {
        for (var neighbour : List.of(step(first(block), -1), step(last(block), +1))) {
            if (neighbour.isEmpty()) {
                continue;
            }
            var address = neighbour.get();
            if (SpecialPurposeAddresses.TABLE.stream().noneMatch(b -> b.contains(address))) {
                assertEquals(Kind.PUBLIC, SpecialPurposeAddresses.of(address).kind(), block + ": " + text(address));
                assertEquals(null, OutboundTargets.refusal(inet(address), false), block + ": " + text(address));
            }
        }
    }

    @Example
    void edgesOfTheRangesTheIssueNamed() {
        for (var refused : new String[] {"255.255.255.255", "192.0.2.1", "192.0.2.0", "192.0.2.255", "198.18.0.0",
                "198.19.255.255", "240.0.0.1", "224.0.0.1", "239.255.255.255", "0.1.2.3", "100.64.0.0", "100.127.255.255",
                "172.31.255.255", "192.0.0.9", "2001:db8::1", "3fff:fff:ffff::1", "5f00::1", "100::ffff", "2001:1ff::1",
                "::", "fe80::1", "febf:ffff::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:192.0.2.1", "64:ff9b::c000:201",
                "64:ff9b::7f00:1", "2002:c000:201::1", "2002:7f00:1::", "64:ff9b:1:7f00:0:100::", "::7f00:1"}) {
            assertNotEquals(Kind.PUBLIC, kind(refused), refused);
        }
        for (var allowed : new String[] {"8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
                "172.32.0.0", "192.0.1.255", "192.0.3.0", "198.17.255.255", "198.20.0.0", "223.255.255.255",
                "126.255.255.255", "128.0.0.0", "2606:4700:4700::1111", "2001:200::1", "2001:db7:ffff::1", "2001:db9::",
                "3fff:1000::1", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "fbff::1", "2003::1"}) {
            assertEquals(Kind.PUBLIC, kind(allowed), allowed);
        }
        assertEquals(Kind.NEVER, kind("64:ff9b:1:c000:2:100::"), "a private NAT64 prefix carrying TEST-NET-1");
        assertEquals(Kind.PRIVATE, kind("64:ff9b:1:808:8:800::"), "a private NAT64 prefix is private whatever it carries");
        assertEquals(Kind.PRIVATE, kind("::1"), "the loopback, not an IPv4-compatible 0.0.0.1");
    }

    static Kind kind(String literal) {
        return SpecialPurposeAddresses.of(inet(literal).getAddress()).kind();
    }

    /** The block's prefix, with the host bits taken from {@code random}. */
    static byte[] within(Block block, byte[] random) {
        var address = random.clone();
        int whole = block.bits() / 8;
        System.arraycopy(block.prefix(), 0, address, 0, whole);
        int rest = block.bits() % 8;
        if (rest > 0) {
            int mask = (0xff << (8 - rest)) & 0xff;
            address[whole] = (byte) ((block.prefix()[whole] & mask) | (random[whole] & ~mask & 0xff));
        }
        return address;
    }

    static Block mostSpecific(byte[] address) {
        return SpecialPurposeAddresses.TABLE.stream().filter(b -> b.contains(address))
                .max((a, b) -> Integer.compare(a.bits(), b.bits())).orElseThrow();
    }

    static byte[] first(Block block) {
        return within(block, new byte[block.prefix().length]);
    }

    static byte[] last(Block block) {
        var ones = new byte[block.prefix().length];
        Arrays.fill(ones, (byte) 0xff);
        return within(block, ones);
    }

    /** The address {@code delta} away, if it exists. */
    static Optional<byte[]> step(byte[] address, int delta) {
        var value = new BigInteger(1, address).add(BigInteger.valueOf(delta));
        if (value.signum() < 0 || value.bitLength() > address.length * 8) {
            return Optional.empty();
        }
        var bytes = value.toByteArray();
        var result = new byte[address.length];
        int copy = Math.min(bytes.length, result.length);
        System.arraycopy(bytes, bytes.length - copy, result, result.length - copy, copy);
        return Optional.of(result);
    }

    static InetAddress inet(byte[] address) {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    static String text(byte[] address) {
        return inet(address).getHostAddress();
    }
}
