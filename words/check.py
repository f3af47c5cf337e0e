"""Check a server, check a client: every check's title and hint, every detail, and the faces' words.

Titles and hints are keyed by the stable check ids (core.check.registry): `check.title.<id>` and
`check.hint.<id>` for server checks, `check.client.title.<id>` and `check.client.hint.<id>` for client
checks. Details (`check.detail.*`) are filled in with the values a check reports.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # --- server checks: what each checks -----------------------------------------------------------
    "check.title.caso1": '"hola servidor" comes back "HOLA SERVIDOR"',
    "check.title.concurrent-clients": "a second client is served while the first stays connected",
    "check.title.caso2": "DESCONEXION makes the server close the connection",
    "check.title.desconexion-any-case": '"desconexion" and "Desconexion" close it too',
    "check.title.unicode": '"ñandú camión straße" comes back "ÑANDÚ CAMIÓN STRASSE"',
    "check.title.one-message-two-packets": "a message sent in two pieces comes back whole",
    "check.title.two-messages-one-packet": "two messages in one send both come back, in order",
    "check.title.conversation": "three messages in a row on one connection are each answered",
    "check.title.long-message": "a 100 kB message comes back whole",
    "check.title.pipelined": "1,000 messages sent at once all come back, in order",
    "check.title.half-close": "a client that shuts its sending side still gets its reply, then the server closes",
    "check.title.slow-reader": "a client that sends without reading does not stall the others",
    "check.title.split-utf8": 'an "ñ" split between two sends 200 ms apart comes back "Ñ"',
    "check.title.abrupt-close": "after a client resets its connection, a new client is still served",
    # --- server checks: the usual cause of a failure -----------------------------------------------
    "check.hint.caso1": "answer each message with its uppercase: decode it, .upper(), encode it and sendall() it",
    "check.hint.concurrent-clients": "serve each client in its own thread (or with select or asyncio)",
    "check.hint.caso2": "when the message is DESCONEXION, close the connection instead of answering",
    "check.hint.desconexion-any-case": "compare the message with .upper() (and .strip() it), as the original "
    "server does",
    "check.hint.unicode": "uppercase the text, not the bytes: bytes.upper() leaves ñ, á and ß as they are",
    "check.hint.one-message-two-packets": "TCP is a stream: one message can take several recv() calls; keep "
    "what came and answer what is complete",
    "check.hint.two-messages-one-packet": "one recv() can bring several lines: answer every one, in order, and "
    "keep the rest for the next read",
    "check.hint.conversation": "keep serving the connection in a loop until the client leaves; do not close it "
    "after one reply",
    "check.hint.long-message": "loop on recv() until the message is complete and send the whole reply with "
    "sendall(); do not cut it at one buffer",
    "check.hint.pipelined": "keep a buffer and split it into lines: answer every message of a burst, in order, "
    "however recv() cuts it",
    "check.hint.half-close": 'when recv() returns b"" the client has finished sending: send what is pending, '
    "then close",
    "check.hint.slow-reader": "a client that does not read its replies must not block the others: one thread "
    "per client, or sends that do not block",
    "check.hint.split-utf8": "decode the whole message, not each recv() chunk: a character split between two "
    "reads breaks",
    "check.hint.abrupt-close": "catch ConnectionResetError (and OSError) for each client and keep accepting: a "
    "client that vanishes must not bring the server down",
    # --- client checks: what each checks -----------------------------------------------------------
    "check.client.title.caso1": "the typed message reaches the server and the client prints the reply",
    "check.client.title.caso2": "typing DESCONEXION sends it, and the client closes its socket and ends",
    "check.client.title.split-reply": "a reply sent in two pieces 200 ms apart is printed whole",
    "check.client.title.unicode": "accented text goes out and comes back right",
    "check.client.title.split-utf8": 'a reply whose "Ñ" is split between two sends is printed right',
    "check.client.title.server-closes": "when the server closes, the client says so and ends",
    # --- client checks: the usual cause of a failure -----------------------------------------------
    "check.client.hint.caso1": "read a line with input(), send it with sendall(), then recv() the reply and print it",
    "check.client.hint.caso2": "after sending DESCONEXION, close the socket and end the program",
    "check.client.hint.split-reply": "one recv() may bring only part of the reply: keep reading until it is "
    "complete (up to its newline, or as many bytes as you sent)",
    "check.client.hint.unicode": 'encode what you send and decode what you receive as UTF-8 ("utf-8")',
    "check.client.hint.split-utf8": "join the bytes of the reply and decode them once: decoding each recv() "
    "chunk breaks a character split between two reads",
    "check.client.hint.server-closes": 'when recv() returns b"" the server has closed: say so and end (catch '
    "ConnectionError too)",
    # --- details: server checks --------------------------------------------------------------------
    "check.detail.reply-ok": "the reply was right ({size} bytes)",
    "check.detail.reply-wrong": "the reply is not the uppercase of what was sent (it differs from byte {offset} on)",
    "check.detail.ascii-only-upper": "only the ASCII letters came back uppercased (ñ, á and ß did not), as "
    "bytes.upper() does",
    "check.detail.closed-mid-reply": "the server closed the connection after {got} of {expected} bytes of the reply",
    "check.detail.reset-mid-reply": "the connection was reset after {got} of {expected} bytes of the reply",
    "check.detail.no-reply": "no reply within {seconds} s",
    "check.detail.reply-short": "only {got} of {expected} bytes of the reply came within {seconds} s",
    "check.detail.second-client-served": "the second client was answered at once",
    "check.detail.second-client-waited": "the second client got no reply in {seconds} s while the first stayed "
    "connected; it was served only once the first left",
    "check.detail.second-client-unserved": "the second client got no reply in {seconds} s, not even after the "
    "first left",
    "check.detail.closed-as-asked": 'the server closed the connection after "{word}"',
    "check.detail.not-closed": 'the server did not close the connection within {seconds} s after "{word}"',
    "check.detail.conversation-ok": "all {count} messages were answered",
    "check.detail.no-close-after-eof": "the reply came, but the server did not close within {seconds} s after the "
    "client finished sending",
    "check.detail.slow-reader-ok": "the other client was answered at once",
    "check.detail.slow-reader-stalled": "while one client sent without reading, another got no reply in {seconds} s",
    "check.detail.first-client-unserved": "the server did not answer a first client, so the reset could not be "
    "tried (did an earlier check stop it?)",
    "check.detail.new-client-served": "after the reset, a new client was answered",
    "check.detail.new-client-refused": "after the reset, the server refused new connections: it stopped",
    "check.detail.new-client-unserved": "after the reset, a new client got no right reply",
    "check.detail.no-address": "the host name has no address",
    "check.detail.bad-port": "{port} is not a port: a port is a whole number from 1 to 65535",
    # --- details: client checks --------------------------------------------------------------------
    "check.detail.program-not-started": "the program could not be started: {detail}",
    "check.detail.program-no-connection": "the program did not connect to port {port} within {seconds} s",
    "check.detail.program-ended-unconnected": "the program ended (exit code {code}) without connecting to port {port}",
    "check.detail.program-not-reading": 'the program did not take the typed line "{text}"',
    "check.detail.typed-not-received": 'the typed "{text}" did not reach the server',
    "check.detail.typed-wrong": 'what reached the server is not the typed "{text}" in UTF-8',
    "check.detail.printed": 'the program printed "{text}"',
    "check.detail.not-printed": 'the program did not print "{text}" within {seconds} s',
    "check.detail.ended-before-printing": 'the program ended (exit code {code}) without printing "{text}"',
    "check.detail.socket-left-open": "the client did not close its socket within {seconds} s",
    "check.detail.kept-running": "the program was still running {seconds} s later",
    "check.detail.closed-and-ended": "the client closed its socket and ended (exit code {code})",
    "check.detail.ended-silently": "the program ended (exit code {code}) without saying anything",
    "check.detail.noticed-close": "the program said something and ended (exit code {code})",
    # --- details: any check ------------------------------------------------------------------------
    "check.detail.time-limit": "the check did not finish within its {seconds} s",
    "check.detail.out-of-time": "not run: the run's {seconds} s were used up",
    "check.detail.cancelled": "not run: the run was stopped",
    "check.detail.checker-error": "the checker met a problem of its own: {detail}",
    # --- the kind of server the first check found ----------------------------------------------------
    "check.kind.chunks": "It takes each read as a message, as the original server.py does.",
    "check.kind.lines": "It takes each line as a message.",
    "check.kind.unknown": "It never answered, so its kind is unknown.",
    # --- the terminal faces --------------------------------------------------------------------------
    "check.face.server-header": "Checking the server at {target}",
    "check.face.client-header": "Checking the client {command} (Mayus listens on port {port})",
    "check.face.failed": "{detail}. Hint: {hint}",
    "check.face.summary": "{passed} passed, {failed} failed in {seconds} s",
    "check.face.unreachable": "Could not connect at all: {error}",
    "check.face.not-started": "Nothing could be checked: {error}",
    "check.face.cancelled": "Stopped.",
    "check.face.written": "Wrote {path}",
    "check.face.cannot-write": "Could not write {path}: {detail}",
    "check.face.student": "student",
    "check.face.unreachable-cell": "could not connect",
    # --- the targets file ----------------------------------------------------------------------------
    "check.targets.unreadable": "Cannot read the targets file {path}: {detail}",
    "check.targets.bad-line": 'Line {number} of the targets file is not "host:port name" nor name,host,port: {text}',
    "check.targets.empty": "The targets file {path} lists nobody.",
    # --- the window's check view --------------------------------------------------------------------
    "view.check": "Check",
    "check.view.mode.server": "A server",
    "check.view.mode.client": "A client",
    "check.view.mode.class": "A class",
    "check.view.own_server": "Check Mayus's own server",
    "check.view.own_note": "Uses the server of the Conversation view, started first if it is stopped.",
    "check.view.own_starting": "Starting Mayus's server…",
    "check.view.own_failed": "Mayus's server did not start: {error}",
    "check.view.own_not_started": "Mayus's server is not running and could not be started: check its port in the "
    "Conversation view.",
    "check.view.program": "Program",
    "check.view.program_placeholder": "a .py file, or any command",
    "check.view.choose_program": "Choose a .py file…",
    "check.view.client_note": "Mayus listens on this port; the program must connect to it.",
    "check.view.targets": 'One student per line: "host:port name" (or name,host,port).',
    "check.view.load": "Load…",
    "check.view.save_csv": "Save CSV…",
    "check.view.run": "Run",
    "check.view.cancel": "Cancel",
    "check.view.idle": "Choose what to check and press Run.",
    "check.view.busy": "A check is already running: wait for it to finish or press Cancel.",
    "check.view.stopping": "Stopping…",
    "check.view.no_program": "Type a command or choose a .py file.",
    "check.view.bad_command": "The command cannot be read: a quote is not closed, or it ends in a backslash.",
    "check.view.no_targets": 'List at least one student: "host:port name", one per line.',
    "check.view.bad_target": 'Line {number} is not "host:port name" nor name,host,port: {text}',
    "check.view.progress": "Checking {target}: {done} of {total} checks done…",
    "check.view.class_progress": "Student {number} of {students}: {name} ({target}), {done} of {total} checks done…",
    "check.view.class_done": "{count} students checked.",
    "check.view.class_stopped": "Stopped after {done} of {total} students.",
    "check.view.server_target": "Server {target}",
    "check.view.client_target": "Client {command} (Mayus listens on port {port})",
    "check.view.student": "{name} ({target})",
    "check.view.unreachable_student": "{name}: {reason}",
    "check.view.empty": "Each check shows here as it finishes.",
    "check.view.details": "Details",
    "check.view.hide": "Hide",
    "check.view.hint": "Hint: {hint}",
    "check.view.what": "What happened: {detail}",
    "check.view.sent": "Mayus sent ({size} bytes):",
    "check.view.received": "Mayus received ({size} bytes):",
    "check.view.printed": "The program printed ({size} bytes):",
    "check.view.nothing": "(nothing)",
    "check.view.loaded": "Loaded {count} students from {path}",
    "check.view.program_title": "Choose the client program",
    "check.view.load_title": "Load a class list",
    "check.view.save_title": "Save the class table",
    "check.view.csv_name": "mayus-check-{stamp}",
    "check.view.filetype_python": "Python programs",
    "check.view.filetype_targets": "Class lists (CSV or text)",
    "check.view.filetype_any": "All files",
}

ES: dict[str, str] = {
    # --- server checks: what each checks -----------------------------------------------------------
    "check.title.caso1": '"hola servidor" vuelve como "HOLA SERVIDOR"',
    "check.title.concurrent-clients": "se atiende a un segundo cliente mientras el primero sigue conectado",
    "check.title.caso2": "DESCONEXION hace que el servidor cierre la conexión",
    "check.title.desconexion-any-case": '"desconexion" y "Desconexion" también la cierran',
    "check.title.unicode": '"ñandú camión straße" vuelve como "ÑANDÚ CAMIÓN STRASSE"',
    "check.title.one-message-two-packets": "un mensaje enviado en dos trozos vuelve entero",
    "check.title.two-messages-one-packet": "dos mensajes en un solo envío vuelven los dos, en orden",
    "check.title.conversation": "tres mensajes seguidos en una conexión reciben cada uno su respuesta",
    "check.title.long-message": "un mensaje de 100 kB vuelve entero",
    "check.title.pipelined": "1.000 mensajes enviados de golpe vuelven todos, en orden",
    "check.title.half-close": "un cliente que cierra su lado de envío recibe su respuesta, y luego el servidor cierra",
    "check.title.slow-reader": "un cliente que envía sin leer no bloquea a los demás",
    "check.title.split-utf8": 'una "ñ" partida en dos envíos separados 200 ms vuelve como "Ñ"',
    "check.title.abrupt-close": "después de que un cliente corte su conexión (reset), se atiende a uno nuevo",
    # --- server checks: the usual cause of a failure -----------------------------------------------
    "check.hint.caso1": "responde a cada mensaje con su mayúscula: decodifícalo, .upper(), codifícalo y "
    "envíalo con sendall()",
    "check.hint.concurrent-clients": "atiende a cada cliente en su propio hilo (o con select o asyncio)",
    "check.hint.caso2": "cuando el mensaje sea DESCONEXION, cierra la conexión en vez de responder",
    "check.hint.desconexion-any-case": "compara el mensaje con .upper() (y quítale espacios con .strip()), como "
    "hace el servidor original",
    "check.hint.unicode": "pasa a mayúsculas el texto, no los bytes: bytes.upper() deja ñ, á y ß como están",
    "check.hint.one-message-two-packets": "TCP es un flujo: un mensaje puede llegar en varios recv(); guarda lo "
    "que llega y responde lo que esté completo",
    "check.hint.two-messages-one-packet": "un recv() puede traer varias líneas: responde a todas, en orden, y "
    "guarda el resto para la siguiente lectura",
    "check.hint.conversation": "sigue atendiendo la conexión en un bucle hasta que el cliente se vaya; no la "
    "cierres tras una respuesta",
    "check.hint.long-message": "repite recv() hasta tener el mensaje completo y envía toda la respuesta con "
    "sendall(); no la cortes en un búfer",
    "check.hint.pipelined": "guarda un búfer y pártelo en líneas: responde a todos los mensajes de una ráfaga, "
    "en orden, los corte recv() como los corte",
    "check.hint.half-close": 'cuando recv() devuelve b"" el cliente ha terminado de enviar: envía lo pendiente y '
    "después cierra",
    "check.hint.slow-reader": "un cliente que no lee sus respuestas no debe bloquear a los demás: un hilo por "
    "cliente, o envíos que no bloqueen",
    "check.hint.split-utf8": "decodifica el mensaje entero, no cada trozo de recv(): un carácter partido entre "
    "dos lecturas se rompe",
    "check.hint.abrupt-close": "captura ConnectionResetError (y OSError) en cada cliente y sigue aceptando: un "
    "cliente que desaparece no debe tumbar el servidor",
    # --- client checks: what each checks -----------------------------------------------------------
    "check.client.title.caso1": "el mensaje tecleado llega al servidor y el cliente muestra la respuesta",
    "check.client.title.caso2": "al teclear DESCONEXION se envía, y el cliente cierra su socket y termina",
    "check.client.title.split-reply": "una respuesta enviada en dos trozos separados 200 ms se muestra entera",
    "check.client.title.unicode": "el texto con tildes sale y vuelve bien",
    "check.client.title.split-utf8": 'una respuesta con la "Ñ" partida entre dos envíos se muestra bien',
    "check.client.title.server-closes": "cuando el servidor cierra, el cliente lo dice y termina",
    # --- client checks: the usual cause of a failure -----------------------------------------------
    "check.client.hint.caso1": "lee una línea con input(), envíala con sendall(), recibe la respuesta con recv() "
    "y muéstrala",
    "check.client.hint.caso2": "después de enviar DESCONEXION, cierra el socket y termina el programa",
    "check.client.hint.split-reply": "un recv() puede traer solo parte de la respuesta: sigue leyendo hasta "
    "tenerla completa (hasta su salto de línea, o tantos bytes como enviaste)",
    "check.client.hint.unicode": 'codifica lo que envías y decodifica lo que recibes como UTF-8 ("utf-8")',
    "check.client.hint.split-utf8": "junta los bytes de la respuesta y decodifícalos una vez: decodificar cada "
    "trozo de recv() rompe un carácter partido entre dos lecturas",
    "check.client.hint.server-closes": 'cuando recv() devuelve b"" el servidor ha cerrado: dilo y termina '
    "(captura también ConnectionError)",
    # --- details: server checks --------------------------------------------------------------------
    "check.detail.reply-ok": "la respuesta fue correcta ({size} bytes)",
    "check.detail.reply-wrong": "la respuesta no es la mayúscula de lo enviado (difiere a partir del byte {offset})",
    "check.detail.ascii-only-upper": "solo volvieron en mayúscula las letras ASCII (ñ, á y ß no), como hace "
    "bytes.upper()",
    "check.detail.closed-mid-reply": "el servidor cerró la conexión tras {got} de {expected} bytes de la respuesta",
    "check.detail.reset-mid-reply": "la conexión se cortó (reset) tras {got} de {expected} bytes de la respuesta",
    "check.detail.no-reply": "ninguna respuesta en {seconds} s",
    "check.detail.reply-short": "solo llegaron {got} de {expected} bytes de la respuesta en {seconds} s",
    "check.detail.second-client-served": "el segundo cliente recibió respuesta enseguida",
    "check.detail.second-client-waited": "el segundo cliente no recibió respuesta en {seconds} s mientras el "
    "primero seguía conectado; solo se le atendió cuando el primero se fue",
    "check.detail.second-client-unserved": "el segundo cliente no recibió respuesta en {seconds} s, ni siquiera "
    "cuando el primero se fue",
    "check.detail.closed-as-asked": 'el servidor cerró la conexión tras "{word}"',
    "check.detail.not-closed": 'el servidor no cerró la conexión en {seconds} s tras "{word}"',
    "check.detail.conversation-ok": "los {count} mensajes recibieron respuesta",
    "check.detail.no-close-after-eof": "llegó la respuesta, pero el servidor no cerró en {seconds} s después de "
    "que el cliente terminara de enviar",
    "check.detail.slow-reader-ok": "el otro cliente recibió respuesta enseguida",
    "check.detail.slow-reader-stalled": "mientras un cliente enviaba sin leer, otro no recibió respuesta en "
    "{seconds} s",
    "check.detail.first-client-unserved": "el servidor no respondió a un primer cliente, así que no se pudo probar "
    "el corte (¿lo detuvo una prueba anterior?)",
    "check.detail.new-client-served": "tras el corte, un cliente nuevo recibió respuesta",
    "check.detail.new-client-refused": "tras el corte, el servidor rechazó conexiones nuevas: se detuvo",
    "check.detail.new-client-unserved": "tras el corte, un cliente nuevo no recibió una respuesta correcta",
    "check.detail.no-address": "el nombre de host no tiene dirección",
    "check.detail.bad-port": "{port} no es un puerto: un puerto es un número entero de 1 a 65535",
    # --- details: client checks --------------------------------------------------------------------
    "check.detail.program-not-started": "no se pudo iniciar el programa: {detail}",
    "check.detail.program-no-connection": "el programa no se conectó al puerto {port} en {seconds} s",
    "check.detail.program-ended-unconnected": "el programa terminó (código de salida {code}) sin conectarse al "
    "puerto {port}",
    "check.detail.program-not-reading": 'el programa no aceptó la línea tecleada "{text}"',
    "check.detail.typed-not-received": 'lo tecleado, "{text}", no llegó al servidor',
    "check.detail.typed-wrong": 'lo que llegó al servidor no es "{text}" en UTF-8, que es lo tecleado',
    "check.detail.printed": 'el programa mostró "{text}"',
    "check.detail.not-printed": 'el programa no mostró "{text}" en {seconds} s',
    "check.detail.ended-before-printing": 'el programa terminó (código de salida {code}) sin mostrar "{text}"',
    "check.detail.socket-left-open": "el cliente no cerró su socket en {seconds} s",
    "check.detail.kept-running": "el programa seguía en marcha {seconds} s después",
    "check.detail.closed-and-ended": "el cliente cerró su socket y terminó (código de salida {code})",
    "check.detail.ended-silently": "el programa terminó (código de salida {code}) sin decir nada",
    "check.detail.noticed-close": "el programa dijo algo y terminó (código de salida {code})",
    # --- details: any check ------------------------------------------------------------------------
    "check.detail.time-limit": "la prueba no terminó en sus {seconds} s",
    "check.detail.out-of-time": "no se hizo: se agotaron los {seconds} s de la revisión",
    "check.detail.cancelled": "no se hizo: se detuvo la revisión",
    "check.detail.checker-error": "el propio revisor tuvo un problema: {detail}",
    # --- the kind of server the first check found ----------------------------------------------------
    "check.kind.chunks": "Toma cada lectura como un mensaje, como hace el server.py original.",
    "check.kind.lines": "Toma cada línea como un mensaje.",
    "check.kind.unknown": "Nunca respondió, así que no se sabe de qué tipo es.",
    # --- the terminal faces --------------------------------------------------------------------------
    "check.face.server-header": "Revisando el servidor en {target}",
    "check.face.client-header": "Revisando el cliente {command} (Mayus escucha en el puerto {port})",
    "check.face.failed": "{detail}. Pista: {hint}",
    "check.face.summary": "{passed} bien, {failed} mal en {seconds} s",
    "check.face.unreachable": "No se pudo conectar: {error}",
    "check.face.not-started": "No se pudo revisar nada: {error}",
    "check.face.cancelled": "Detenido.",
    "check.face.written": "Escrito {path}",
    "check.face.cannot-write": "No se pudo escribir {path}: {detail}",
    "check.face.student": "alumno",
    "check.face.unreachable-cell": "no se pudo conectar",
    # --- the targets file ----------------------------------------------------------------------------
    "check.targets.unreadable": "No se puede leer el archivo de objetivos {path}: {detail}",
    "check.targets.bad-line": 'La línea {number} del archivo de objetivos no es "host:puerto nombre" ni '
    "nombre,host,puerto: {text}",
    "check.targets.empty": "El archivo de objetivos {path} no lista a nadie.",
    # --- the window's check view --------------------------------------------------------------------
    "view.check": "Revisar",
    "check.view.mode.server": "Un servidor",
    "check.view.mode.client": "Un cliente",
    "check.view.mode.class": "Una clase",
    "check.view.own_server": "Revisar el servidor de Mayus",
    "check.view.own_note": "Usa el servidor de la vista Conversación; si está parado, primero lo inicia.",
    "check.view.own_starting": "Iniciando el servidor de Mayus…",
    "check.view.own_failed": "El servidor de Mayus no se inició: {error}",
    "check.view.own_not_started": "El servidor de Mayus no está en marcha y no se pudo iniciar: revisa su puerto "
    "en la vista Conversación.",
    "check.view.program": "Programa",
    "check.view.program_placeholder": "un archivo .py o cualquier orden",
    "check.view.choose_program": "Elegir un archivo .py…",
    "check.view.client_note": "Mayus escucha en este puerto; el programa debe conectarse a él.",
    "check.view.targets": 'Un alumno por línea: "host:puerto nombre" (o nombre,host,puerto).',
    "check.view.load": "Cargar…",
    "check.view.save_csv": "Guardar CSV…",
    "check.view.run": "Revisar",
    "check.view.cancel": "Cancelar",
    "check.view.idle": "Elige qué revisar y pulsa Revisar.",
    "check.view.busy": "Ya hay una revisión en marcha: espera a que termine o pulsa Cancelar.",
    "check.view.stopping": "Deteniendo…",
    "check.view.no_program": "Escribe una orden o elige un archivo .py.",
    "check.view.bad_command": "No se puede leer la orden: hay unas comillas sin cerrar, o acaba en una barra "
    "invertida.",
    "check.view.no_targets": 'Indica al menos un alumno: "host:puerto nombre", uno por línea.',
    "check.view.bad_target": 'La línea {number} no es "host:puerto nombre" ni nombre,host,puerto: {text}',
    "check.view.progress": "Revisando {target}: {done} de {total} pruebas hechas…",
    "check.view.class_progress": "Alumno {number} de {students}: {name} ({target}), {done} de {total} pruebas hechas…",
    "check.view.class_done": "{count} alumnos revisados.",
    "check.view.class_stopped": "Detenido tras {done} de {total} alumnos.",
    "check.view.server_target": "Servidor {target}",
    "check.view.client_target": "Cliente {command} (Mayus escucha en el puerto {port})",
    "check.view.student": "{name} ({target})",
    "check.view.unreachable_student": "{name}: {reason}",
    "check.view.empty": "Cada prueba aparece aquí en cuanto termina.",
    "check.view.details": "Detalles",
    "check.view.hide": "Ocultar",
    "check.view.hint": "Pista: {hint}",
    "check.view.what": "Qué pasó: {detail}",
    "check.view.sent": "Mayus envió ({size} bytes):",
    "check.view.received": "Mayus recibió ({size} bytes):",
    "check.view.printed": "El programa mostró ({size} bytes):",
    "check.view.nothing": "(nada)",
    "check.view.loaded": "Cargados {count} alumnos de {path}",
    "check.view.program_title": "Elige el programa cliente",
    "check.view.load_title": "Cargar una lista de la clase",
    "check.view.save_title": "Guardar la tabla de la clase",
    "check.view.csv_name": "mayus-revision-{stamp}",
    "check.view.filetype_python": "Programas Python",
    "check.view.filetype_targets": "Listas de la clase (CSV o texto)",
    "check.view.filetype_any": "Todos los archivos",
}
