/**
 * A whole server-to-client WebSocket frame (RFC 6455 section 5.2: unmasked, the length in 7, 7+16 or 7+64
 * bits), built once and then written to every socket that gets it: ws has no prepared-message API
 * (gorilla/websocket's PreparedMessage), and ws.send would frame the same payload again for every socket.
 */

/** `first`: the frame's first byte (0x81: final text frame; 0xC1: the same, compressed). */
export function wsFrame(first: number, payload: Buffer, length = payload.length): Buffer {
  const head = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const wire = Buffer.allocUnsafe(head + length);
  wire[0] = first;
  if (length < 126) wire[1] = length;
  else if (length < 65536) {
    wire[1] = 126;
    wire.writeUInt16BE(length, 2);
  } else {
    wire[1] = 127;
    wire.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(wire, head, 0, length);
  return wire;
}
