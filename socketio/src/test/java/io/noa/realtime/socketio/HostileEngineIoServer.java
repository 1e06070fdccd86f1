package io.noa.realtime.socketio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Engine.IO v4 / Socket.IO v5 server over a plain {@link ServerSocket} on 127.0.0.1
 * (its own WebSocket handshake and framing), for open packets a real server never sends: it sends
 * the given open packet, answers a CONNECT with {@code 40{"sid":"s1"}} and every EVENT with an
 * id with the ack {@code ["pong"]}. Counts the WebSocket connections it accepted. At most 64
 * connections, one thread each.
 */
final class HostileEngineIoServer implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private final ServerSocket server;
    private final String openPacket;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private HostileEngineIoServer(String openPacket) throws IOException {
        this.openPacket = openPacket;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        acceptor = new Thread(this::acceptLoop, "hostile-engineio-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server that opens every connection with this Engine.IO open packet ({@code 0{...}}). */
    static HostileEngineIoServer start(String openPacket) {
        try {
            return new HostileEngineIoServer(openPacket);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort());
    }

    /** WebSocket connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                if (accepted.incrementAndGet() > 64) {
                    s.close();
                    continue;
                }
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "hostile-engineio-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String key = null;
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
                    key = line.substring(colon + 1).trim();
                }
            }
            if (key == null) {
                out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            sendText(out, openPacket);
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return;
                }
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = (in.read() << 8) | in.read();
                } else if (len == 127) {
                    len = 0;
                    for (int i = 0; i < 8; i++) {
                        len = (len << 8) | in.read();
                    }
                }
                if (len > 1 << 20) {
                    return;
                }
                byte[] mask = (b1 & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
                byte[] payload = in.readNBytes((int) len);
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= mask[i & 3];
                }
                int opcode = b0 & 0x0F;
                if (opcode == 8) { // close: answer it and end
                    out.write(new byte[] {(byte) 0x88, 0});
                    return;
                } else if (opcode == 9) {
                    out.write(new byte[] {(byte) 0x8A, 0});
                } else if (opcode == 1) {
                    onText(out, new String(payload, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | NoSuchAlgorithmException e) {
            // the connection ended
        }
    }

    private static void onText(OutputStream out, String frame) throws IOException {
        if (frame.startsWith("40")) {
            sendText(out, "40{\"sid\":\"s1\"}");
        } else if (frame.startsWith("42")) {
            int i = 2;
            while (i < frame.length() && Character.isDigit(frame.charAt(i))) {
                i++;
            }
            if (i > 2) {
                sendText(out, "43" + frame.substring(2, i) + "[\"pong\"]");
            }
        }
    }

    private static synchronized void sendText(OutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x81);
        if (b.length < 126) {
            f.write(b.length);
        } else {
            f.write(126);
            f.write(b.length >>> 8);
            f.write(b.length & 0xFF);
        }
        f.write(b);
        out.write(f.toByteArray());
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                sb.append((char) c);
            }
            if (sb.length() > 8192) {
                throw new IOException("request line too long");
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing
            }
        }
    }
}
