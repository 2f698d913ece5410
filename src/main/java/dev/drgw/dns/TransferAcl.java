package dev.drgw.dns;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Which client addresses may transfer the zone: addresses and CIDR blocks. */
final class TransferAcl {

  private record Block(byte[] network, int bits) {}

  private final List<Block> blocks = new ArrayList<>();

  TransferAcl(List<String> entries) {
    for (String entry : entries) {
      String[] parts = entry.split("/", 2);
      try {
        byte[] address = InetAddress.getByName(parts[0]).getAddress();
        int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
        blocks.add(new Block(address, bits));
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("not an address or CIDR block: " + entry, e);
      }
    }
  }

  boolean allows(InetAddress client) {
    byte[] address = client.getAddress();
    for (Block block : blocks) {
      if (block.network().length == address.length && sameNetwork(block.network(), address, block.bits())) {
        return true;
      }
    }
    return false;
  }

  private static boolean sameNetwork(byte[] a, byte[] b, int bits) {
    if (bits == 0) {
      return true;
    }
    BigInteger x = new BigInteger(1, a).shiftRight(a.length * 8 - bits);
    BigInteger y = new BigInteger(1, b).shiftRight(b.length * 8 - bits);
    return x.equals(y);
  }
}
