#!/usr/bin/python3
"""Simulated CCTV cameras behind GStreamer's RTSP server (Pantau `pantau simulate`).

Serves N live H.264 cameras at rtsp://HOST:PORT/cam1 .. camN (main stream) and
rtsp://HOST:PORT/cam1/sub .. camN/sub (substream, smaller: what a 16-tile wall plays). Each camera is a moving
`videotestsrc` pattern (a different colour and motion per camera) with the camera's name
and the local wall clock with milliseconds (HH:MM:SS.mmm) burned in, encoded for low
latency with a key frame every second. One x264 thread per encoder: on pictures this small,
sliced threads cost more in switching than they save (16 cameras: 149 threads instead of 213,
0.76 instead of 0.82 cores at 25 fps on the 2-core test machine). x264's `ultrafast` preset:
on a test pattern it looks the same at these bitrates and costs less (16 cameras at
320x180/15 fps with 16 viewers: 0.85 instead of 1.02 cores), CPU that the console and server
beside it on one machine need more (see camera-server.ts, which also lowers this process's
priority).

The clock text is set from a buffer probe on the overlay's sink pad, so every frame shows
the time at which it left the (live) source: that is what glass-to-glass latency is read
from. The overlay is `rsvgoverlay` (gstreamer1.0-plugins-bad) rather than `textoverlay`,
because textoverlay lives in gstreamer1.0-x, which the install list does not carry.

Each substream mount uses one shared media: one pipeline per camera for all clients. An
in-process RTSP client per camera keeps that pipeline playing from start to exit, like a real
camera that is always on. Besides giving every viewer a running stream at once, this avoids an
abort in gst-rtsp-server 1.22: a PLAY that arrives on a shared media just after another
client's PLAY, before the first buffer has gone through, hits `g_assert (FALSE)` in
gst_rtsp_media_get_rates ("no segment event on send_rtp_sink pad") and kills the process.
Main streams are built per client, on demand (not shared, so no such race): the gateway
pulls each one once, and only while a tile is maximised, so 16 cameras cost 16 small
encoders rather than 16 large ones.

Shapes of cameras as they ship (every camera of one server has the same shape):
    --codec h264|h265       the main stream's codec (x264enc / x265enc); most IP cameras sold
                            today send H.265 on the main stream and H.264 on the substream
    --sub-codec h264|h265   the substream's (default h264)
    --audio none|aac|pcma|pcmu   a 440 Hz tone on the main stream: AAC (voaacenc, 16 kHz) or
                            G.711 A-law / mu-law at 8 kHz, as cameras send it
    --auth none|basic|digest with --user and --password: RTSP authentication as cameras do it
                            (GstRTSPAuth; digest per RFC 2617 with MD5, which ffmpeg speaks).
                            A request without or with wrong credentials gets 401.

Control on stdin (with --watch-stdin), one command per line, acknowledged on stdout:
    offline N   camera N stops answering: its clients are dropped and new ones refused (503),
                like a camera whose network is cut; its pipelines keep running  -> `OFFLINE N`
    online N    camera N answers again                                          -> `ONLINE N`
    reboot N    camera N reboots: every client is dropped (the keep-alive one too, so its shared
                pipeline is torn down), new ones refused for --reboot-s seconds, and then it
                answers with new pipelines: a new SSRC, new sequence numbers and timestamps, a
                new SPS/PPS                                                     -> `REBOOT N`

Run with /usr/bin/python3 (the python3 first on PATH may lack `gi`):
    rtsp-server.py --port 8554 --cameras 4 --names "Lobby,Gate,Dock,Yard" \
                   --width 640 --height 360 --sub-width 320 --sub-height 180 --fps 25
Prints `READY <port>` on stdout once listening and every camera is producing video
(`--port 0` picks a free port). Exits 0 on SIGTERM/SIGINT (and on stdin EOF with
--watch-stdin, so that it dies with its parent). Exit codes: 2 bad arguments, 3 GStreamer
pieces missing, 4 cannot listen, 5 cameras not producing video in time.
"""

import argparse
import os
import signal
import sys
from datetime import datetime
from xml.sax.saxutils import escape

INSTALL_HINT = (
    "apt-get install -y --no-install-recommends python3-gi gir1.2-gst-rtsp-server-1.0 "
    "gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly "
    "gstreamer1.0-plugins-bad"
)

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    gi.require_version("GstRtsp", "1.0")
    from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402
except (ImportError, ValueError) as err:
    print(f"GStreamer RTSP server not installed ({err}): {INSTALL_HINT}", file=sys.stderr)
    sys.exit(3)

# Element -> Debian package that provides it, checked at start for a clear error.
REQUIRED_ELEMENTS = {
    "videotestsrc": "gstreamer1.0-plugins-base",
    "videoconvert": "gstreamer1.0-plugins-base",
    "rsvgoverlay": "gstreamer1.0-plugins-bad",
    "x264enc": "gstreamer1.0-plugins-ugly",
    "h264parse": "gstreamer1.0-plugins-bad",
    "rtph264pay": "gstreamer1.0-plugins-good",
    "rtspsrc": "gstreamer1.0-plugins-good",
    "fakesink": "gstreamer1.0 core",
}
# Needed only by the shapes that use them (checked when asked for).
SHAPE_ELEMENTS = {
    "h265": {"x265enc": "gstreamer1.0-plugins-bad", "h265parse": "gstreamer1.0-plugins-bad", "rtph265pay": "gstreamer1.0-plugins-good"},
    "aac": {"audiotestsrc": "gstreamer1.0-plugins-base", "voaacenc": "gstreamer1.0-plugins-bad", "rtpmp4gpay": "gstreamer1.0-plugins-good"},
    "pcma": {"audiotestsrc": "gstreamer1.0-plugins-base", "alawenc": "gstreamer1.0-plugins-good", "rtppcmapay": "gstreamer1.0-plugins-good"},
    "pcmu": {"audiotestsrc": "gstreamer1.0-plugins-base", "mulawenc": "gstreamer1.0-plugins-good", "rtppcmupay": "gstreamer1.0-plugins-good"},
}

# (videotestsrc motion, background ARGB, ball ARGB): distinguishable, moving tiles.
CAMERA_STYLES = [
    ("wavy", 0xFF14305A, 0xFFFFFFFF),
    ("sweep", 0xFF1B4D2B, 0xFFFFE14D),
    ("hsweep", 0xFF5A1A1A, 0xFF7FFFFF),
    ("wavy", 0xFF3D1F5A, 0xFFFFA040),
    ("sweep", 0xFF4D4214, 0xFFB0FFB0),
    ("hsweep", 0xFF14474D, 0xFFFF80C0),
    ("wavy", 0xFF333333, 0xFF80C0FF),
    ("sweep", 0xFF5A2E14, 0xFFFFFFFF),
]


def parse_args(argv):
    p = argparse.ArgumentParser(description="Simulated RTSP cameras for Pantau")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8554, help="RTSP port; 0 picks a free one")
    p.add_argument("--cameras", type=int, default=4, help="number of cameras (1..64)")
    p.add_argument("--names", default="", help="comma-separated camera names")
    p.add_argument("--width", type=int, default=640, help="frame width, px")
    p.add_argument("--height", type=int, default=360, help="frame height, px")
    p.add_argument("--sub-width", type=int, default=320, help="substream frame width, px")
    p.add_argument("--sub-height", type=int, default=180, help="substream frame height, px")
    p.add_argument("--fps", type=int, default=25, help="frames per second")
    p.add_argument(
        "--nice", type=int, default=0,
        help="lower this process's CPU priority by N (0..19) before any thread starts",
    )
    p.add_argument("--bitrate", type=int, default=1500, help="x264 bitrate of main streams, kbit/s")
    p.add_argument("--sub-bitrate", type=int, default=400, help="x264 bitrate of substreams, kbit/s")
    p.add_argument("--codec", choices=("h264", "h265"), default="h264", help="main stream codec")
    p.add_argument("--sub-codec", choices=("h264", "h265"), default="h264", help="substream codec")
    p.add_argument("--audio", choices=("none", "aac", "pcma", "pcmu"), default="none", help="audio on the main stream")
    p.add_argument("--auth", choices=("none", "basic", "digest"), default="none", help="RTSP authentication")
    p.add_argument("--user", default="admin", help="RTSP user name (with --auth)")
    p.add_argument("--password", default="", help="RTSP password (with --auth); or PANTAU_SIM_RTSP_PASSWORD")
    p.add_argument("--reboot-s", type=float, default=2.0, help="how long a `reboot N` camera refuses clients, s")
    p.add_argument("--watch-stdin", action="store_true", help="exit when stdin reaches EOF")
    args = p.parse_args(argv)
    # the environment keeps the password out of `ps` (argv is readable by every local user)
    args.password = args.password or os.environ.get("PANTAU_SIM_RTSP_PASSWORD", "")
    if args.auth != "none" and not args.password:
        p.error("--auth needs --password (or PANTAU_SIM_RTSP_PASSWORD)")
    if not 1 <= args.cameras <= 64:
        p.error("--cameras must be 1..64")
    sizes = (args.width, args.height, args.sub_width, args.sub_height)
    if not (all(16 <= v <= 4096 for v in sizes) and 1 <= args.fps <= 120):
        p.error("--width/--height/--sub-width/--sub-height must be 16..4096 and --fps 1..120")
    if not 0 <= args.port <= 65535:
        p.error("--port must be 0..65535")
    names = [n.strip() for n in args.names.split(",")] if args.names else []
    args.names = [names[i] if i < len(names) and names[i] else f"Camera {i + 1}" for i in range(args.cameras)]
    return args


def check_elements(args):
    needed = dict(REQUIRED_ELEMENTS)
    for shape in {args.codec, args.sub_codec, args.audio}:
        needed.update(SHAPE_ELEMENTS.get(shape, {}))
    missing = [f"{el} ({pkg})" for el, pkg in needed.items() if Gst.ElementFactory.find(el) is None]
    if missing:
        print(f"GStreamer elements missing: {', '.join(missing)}: {INSTALL_HINT}", file=sys.stderr)
        sys.exit(3)


def encoder(codec, fps, bitrate):
    """The encoder and payloader of one video stream (payload type 96, parameter sets in band
    every key frame, as cameras send them)."""
    if codec == "h265":
        # x265's zerolatency tune: no B-frames, no lookahead; one frame thread (see x264's).
        return (
            f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate={bitrate} "
            'option-string="frame-threads=1:pools=1:repeat-headers=1" '
            "! h265parse ! rtph265pay name=pay0 pt=96 config-interval=-1"
        )
    return (
        f"x264enc threads=1 tune=zerolatency speed-preset=ultrafast key-int-max={fps} bframes=0 "
        f"bitrate={bitrate} "
        "! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1"
    )


# audio branch per --audio: the payloader is pay1 (the second stream of the SDP)
AUDIO = {
    "aac": "audio/x-raw,rate=16000,channels=1 ! voaacenc bitrate=32000 ! rtpmp4gpay name=pay1 pt=97",
    "pcma": "audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8",
    "pcmu": "audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay name=pay1 pt=0",
}


def launch_line(index, args, width, height, bitrate, codec="h264", audio="none"):
    motion, background, foreground = CAMERA_STYLES[index % len(CAMERA_STYLES)]
    video = (
        f"videotestsrc is-live=true pattern=ball motion={motion} "
        f"background-color={background} foreground-color={foreground} "
        f"! video/x-raw,format=BGRA,width={width},height={height},framerate={args.fps}/1 "
        "! rsvgoverlay name=overlay "
        "! videoconvert ! video/x-raw,format=I420 "
        f"! {encoder(codec, args.fps, bitrate)}"
    )
    sound = ""
    if audio != "none":
        # a quiet 440 Hz tone, a different pitch per camera so two are told apart by ear
        sound = (
            f" audiotestsrc is-live=true wave=sine freq={440 + 110 * (index % 4)} volume=0.2 "
            f"! audioconvert ! audioresample ! {AUDIO[audio]}"
        )
    return f"( {video}{sound} )"


class Overlay:
    """Builds the per-frame SVG: camera name and wall clock in a translucent box, top left.

    The SVG is only as big as the box and placed with rsvgoverlay's x/y: rendering and blending
    a box instead of the whole frame 25 times a second is most of what a camera costs.
    """

    def __init__(self, name, width, height):
        self.font = max(10, round(height * 0.06))
        pad = round(self.font * 0.4)
        self.pad = pad
        self.name = escape(name)
        # DejaVu Sans Mono advances 0.602 em per character.
        chars = max(len(name), len("00:00:00.000"))
        self.box_w = min(width - 2 * pad, round(chars * 0.602 * self.font + 2 * pad))
        self.box_h = round(self.font * 2.5 + pad)
        self.head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.box_w}" height="{self.box_h}">'
            f'<rect x="0" y="0" width="{self.box_w}" height="{self.box_h}" rx="{pad // 2}" '
            'fill="black" fill-opacity="0.7"/>'
            f'<text x="{pad}" y="{round(self.font * 1.1)}" font-family="DejaVu Sans Mono" '
            f'font-weight="bold" font-size="{self.font}" fill="white">{self.name}</text>'
            f'<text x="{pad}" y="{round(self.font * 2.3)}" font-family="DejaVu Sans Mono" '
            f'font-size="{self.font}" fill="#ffe14d">'
        )
        self.tail = "</text></svg>"

    def place(self, overlay):
        """Puts the box `pad` px from the top left corner."""
        overlay.set_property("x", self.pad)
        overlay.set_property("y", self.pad)
        overlay.set_property("width", self.box_w)
        overlay.set_property("height", self.box_h)

    def svg(self, now):
        return f"{self.head}{now:%H:%M:%S}.{now.microsecond // 1000:03d}{self.tail}"


def on_media_configure(_factory, media, overlay_spec):
    """Hooks the per-frame clock into a freshly built camera pipeline."""
    overlay = media.get_element().get_by_name("overlay")
    sink = overlay.get_static_pad("sink")

    def on_buffer(_pad, _info):
        # Runs in the streaming thread just before rsvgoverlay draws this very frame.
        overlay.set_property("data", overlay_spec.svg(datetime.now()))
        return Gst.PadProbeReturn.OK

    overlay_spec.place(overlay)
    overlay.set_property("data", overlay_spec.svg(datetime.now()))
    sink.add_probe(Gst.PadProbeType.BUFFER, on_buffer)


class KeepAlive:
    """An in-process RTSP client that keeps one camera's shared pipeline playing.

    Restarts itself a second after an error or end of stream. `on_live` is called (once)
    from the main loop when its first packet arrives.
    """

    def __init__(self, url, on_live, credentials=None):
        self.url = url
        self.credentials = credentials
        self.on_live = on_live
        self.pipeline = None
        self.live = False

    def start(self):
        self.pipeline = Gst.parse_launch(
            f"rtspsrc name=src location={self.url} protocols=tcp latency=0 ! fakesink name=sink sync=false async=false"
        )
        if self.credentials:
            src = self.pipeline.get_by_name("src")
            src.set_property("user-id", self.credentials[0])
            src.set_property("user-pw", self.credentials[1])
        sink = self.pipeline.get_by_name("sink").get_static_pad("sink")
        sink.add_probe(Gst.PadProbeType.BUFFER, self._on_buffer)
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self._on_message)
        self.pipeline.set_state(Gst.State.PLAYING)
        return GLib.SOURCE_REMOVE

    def _on_buffer(self, _pad, _info):
        if not self.live:
            self.live = True
            GLib.idle_add(self.on_live)
        return Gst.PadProbeReturn.REMOVE

    def _on_message(self, _bus, msg):
        if msg.type not in (Gst.MessageType.ERROR, Gst.MessageType.EOS):
            return
        detail = msg.parse_error()[0].message if msg.type == Gst.MessageType.ERROR else "end of stream"
        print(f"keep-alive client of {self.url}: {detail}; restarting", file=sys.stderr, flush=True)
        pipeline, self.pipeline = self.pipeline, None
        pipeline.get_bus().remove_signal_watch()
        # Not from this (main) thread: rtspsrc's teardown talks to our own server.
        GLib.idle_add(lambda: pipeline.set_state(Gst.State.NULL) and GLib.SOURCE_REMOVE)
        GLib.timeout_add(1000, self.start)


KEEPALIVE_QUERY = "keepalive=1"


class Availability:
    """Which cameras answer. An offline camera's clients are closed and new ones refused with
    503 Service Unavailable; the keep-alive clients (marked by KEEPALIVE_QUERY in their URL)
    stay, so the shared pipeline keeps running and the camera comes back without a cold start.
    """

    def __init__(self, server):
        self.offline = set()
        self.rebooting = set()
        # RTSPClient -> (camera index, is keep-alive), learnt from each client's first request
        self.clients = {}
        server.connect("client-connected", self._on_client)

    @staticmethod
    def camera_of(path):
        """`/cam3`, `/cam3/sub`, `/cam3/stream=0` -> 3; anything else -> None."""
        parts = path.strip("/").split("/")
        head = parts[0] if parts else ""
        return int(head[3:]) if head.startswith("cam") and head[3:].isdigit() else None

    def _on_client(self, _server, client):
        for signal_name in ("pre-describe-request", "pre-setup-request", "pre-play-request"):
            client.connect(signal_name, self._on_request)
        client.connect("closed", lambda c: self.clients.pop(c, None))

    def _on_request(self, client, ctx):
        uri = ctx.uri
        index = self.camera_of(uri.abspath or "") if uri is not None else None
        if index is None:
            return GstRtsp.RTSPStatusCode.OK
        keepalive = client in self.clients and self.clients[client][1]
        if client not in self.clients:
            keepalive = KEEPALIVE_QUERY in (uri.query or "")
            self.clients[client] = (index, keepalive)
        if index in self.rebooting or (index in self.offline and not keepalive):
            return GstRtsp.RTSPStatusCode.SERVICE_UNAVAILABLE
        return GstRtsp.RTSPStatusCode.OK

    def set_online(self, index, online):
        if online:
            self.offline.discard(index)
            return
        self.offline.add(index)
        for client, (cam, keepalive) in list(self.clients.items()):
            if cam == index and not keepalive:
                self.clients.pop(client, None)
                client.close()

    def reboot(self, index, seconds):
        """Drops every client of camera `index`, keep-alive included (its shared pipeline goes
        with its last client; the keep-alive client reconnects a second later and builds a new
        one), and refuses others for `seconds`, unless it was set offline meanwhile."""
        was_offline = index in self.offline
        self.offline.add(index)
        for client, (cam, _keepalive) in list(self.clients.items()):
            if cam == index:
                self.clients.pop(client, None)
                client.close()
        self.rebooting.add(index)

        def back():
            self.rebooting.discard(index)
            if not was_offline:
                self.offline.discard(index)
            return GLib.SOURCE_REMOVE

        GLib.timeout_add(int(seconds * 1000), back)


AUTH_ROLE = "viewer"


def install_auth(server, args):
    """RTSP authentication as --auth asks (none: everyone may play). Returns the permissions
    every media factory needs (the role that may access and construct media), or None."""
    if args.auth == "none":
        return None
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", AUTH_ROLE)
    if args.auth == "digest":
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
        auth.add_digest(args.user, args.password, token)
    else:
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    role, _ = Gst.Structure.from_string(
        f"{AUTH_ROLE}, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
    )
    permissions.add_role_from_structure(role)
    return permissions


def build_server(args):
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    permissions = install_auth(server, args)
    pool = None
    if args.host not in ("0.0.0.0", "::"):
        # Bind the RTP/RTCP sockets of UDP clients to the same address as RTSP, not to any.
        pool = GstRtspServer.RTSPAddressPool()
        pool.add_range(args.host, args.host, 20000, 60000, 0)
    for i, name in enumerate(args.names):
        # Substream: one pipeline per camera shared by every client, kept playing (keep-alive).
        # Main stream: a pipeline per client, built when it connects (see the module comment).
        for path, width, height, bitrate, shared, codec, audio in (
            (f"/cam{i + 1}/sub", args.sub_width, args.sub_height, args.sub_bitrate, True, args.sub_codec, "none"),
            (f"/cam{i + 1}", args.width, args.height, args.bitrate, False, args.codec, args.audio),
        ):
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(launch_line(i, args, width, height, bitrate, codec, audio))
            if permissions is not None:
                factory.set_permissions(permissions)
            factory.set_shared(shared)
            factory.set_suspend_mode(GstRtspServer.RTSPSuspendMode.NONE)
            factory.set_eos_shutdown(False)
            factory.set_stop_on_disconnect(True)
            factory.set_latency(0)
            if pool is not None:
                factory.set_address_pool(pool)
            factory.connect("media-configure", on_media_configure, Overlay(name, width, height))
            mounts.add_factory(path, factory)
    return server


def main(argv):
    args = parse_args(argv)
    if args.nice > 0:
        # before Gst.init: Linux keeps a niceness per thread, and threads inherit it when created
        os.nice(min(args.nice, 19))
    Gst.init(None)
    check_elements(args)
    server = build_server(args)
    try:
        source = server.create_source(None)
    except GLib.Error as err:
        print(f"cannot listen on {args.host}:{args.port}: {err.message}", file=sys.stderr)
        return 4
    source.attach(None)
    availability = Availability(server)

    loop = GLib.MainLoop()

    def quit_loop(*_):
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, quit_loop)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, quit_loop)
    if args.watch_stdin:
        pending_input = [b""]

        def on_command(line):
            words = line.split()
            valid = len(words) == 2 and words[1].isdigit() and 1 <= int(words[1]) <= args.cameras
            if valid and words[0] in ("offline", "online"):
                availability.set_online(int(words[1]), words[0] == "online")
                print(f"{words[0].upper()} {words[1]}", flush=True)
            elif valid and words[0] == "reboot":
                availability.reboot(int(words[1]), args.reboot_s)
                print(f"REBOOT {words[1]}", flush=True)
            elif words:
                print(f"unknown command {line!r}: expected `offline N`, `online N` or `reboot N` (1..{args.cameras})", file=sys.stderr, flush=True)

        def on_stdin(fd, _cond):
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                return quit_loop()
            *lines, pending_input[0] = (pending_input[0] + data).split(b"\n")
            for line in lines:
                on_command(line.decode("utf-8", "replace").strip())
            return GLib.SOURCE_CONTINUE

        GLib.unix_fd_add_full(GLib.PRIORITY_DEFAULT, sys.stdin.fileno(), GLib.IOCondition.IN | GLib.IOCondition.HUP, on_stdin)

    port = server.get_bound_port()
    url_host = f"[{args.host}]" if ":" in args.host else args.host
    if args.host in ("0.0.0.0", "::"):
        url_host = "127.0.0.1"
    pending = set(range(1, args.cameras + 1))

    def on_live(index):
        pending.discard(index)
        if not pending:
            GLib.source_remove(deadline)
            print(f"READY {port}", flush=True)
        return GLib.SOURCE_REMOVE

    def on_deadline():
        names = ", ".join(f"cam{i}" for i in sorted(pending))
        print(f"cameras not producing video after 20 s: {names}", file=sys.stderr, flush=True)
        os._exit(5)

    deadline = GLib.timeout_add_seconds(20, on_deadline)
    credentials = (args.user, args.password) if args.auth != "none" else None
    keepalives = [
        KeepAlive(f"rtsp://{url_host}:{port}/cam{i}/sub?{KEEPALIVE_QUERY}", lambda i=i: on_live(i), credentials)
        for i in range(1, args.cameras + 1)
    ]
    for keepalive in keepalives:
        GLib.idle_add(keepalive.start)
    loop.run()
    source.destroy()
    sys.stdout.flush()
    sys.stderr.flush()
    # Streaming threads of still-running pipelines may hold the GIL in probes; skip the
    # interpreter's teardown rather than race them. Everything worth flushing is flushed.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
