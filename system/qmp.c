/*
 * QMP, the QEMU Machine Protocol, for the commands a test harness or a
 * management script needs: the greeting and capabilities handshake,
 * query-status, query-machines, query-version, query-commands,
 * system_reset (with its RESET event), quit, qom-list and qom-get.
 *
 * Messages are JSON objects; the input is a stream in which objects may
 * arrive split across reads or several in one read, so a small scanner
 * finds where each top-level object ends before json-glib parses it.
 * Replies end in "\r\n" as QEMU's monitor writes them.
 */
#include "system.h"

#include "kiln/log.h"

#include <json-glib/json-glib.h>

/* One top-level JSON value at most this long; more is a protocol error. */
#define QMP_MAX_MESSAGE (1u << 20)

typedef struct QmpMonitor {
    Chardev *chr;
    GString *buf;       /* bytes of the object being received */
    int depth;          /* nesting of { and [ outside strings */
    bool in_string;
    bool escaped;
    bool negotiated;    /* qmp_capabilities done */
} QmpMonitor;

static GPtrArray *monitors;

static void qmp_send_node(QmpMonitor *mon, JsonNode *node)
{
    g_autoptr(JsonGenerator) gen = json_generator_new();
    g_autofree char *text = NULL;

    json_generator_set_root(gen, node);
    text = json_generator_to_data(gen, NULL);
    chardev_write(mon->chr, text, strlen(text));
    chardev_write(mon->chr, "\r\n", 2);
}

static void qmp_send_text(QmpMonitor *mon, const char *json)
{
    chardev_write(mon->chr, json, strlen(json));
    chardev_write(mon->chr, "\r\n", 2);
}

static void qmp_send_greeting(QmpMonitor *mon)
{
    unsigned major = 0, minor = 0, micro = 0;
    g_autofree char *text = NULL;

    sscanf(KILN_VERSION, "%u.%u.%u", &major, &minor, &micro);
    text = g_strdup_printf(
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": %u, \"minor\": %u, "
        "\"major\": %u}, \"package\": \"kiln %s\"}, \"capabilities\": [\"oob\"]}}",
        micro, minor, major, KILN_VERSION);
    qmp_send_text(mon, text);
}

void qmp_send_event(const char *event, const char *data_json)
{
    gint64 now = g_get_real_time();
    g_autofree char *text = g_strdup_printf(
        "{\"timestamp\": {\"seconds\": %" G_GINT64_FORMAT ", \"microseconds\": %"
        G_GINT64_FORMAT "}, \"event\": \"%s\"%s%s}",
        now / G_USEC_PER_SEC, now % G_USEC_PER_SEC, event,
        data_json ? ", \"data\": " : "", data_json ? data_json : "");

    for (guint i = 0; monitors && i < monitors->len; i++) {
        QmpMonitor *mon = g_ptr_array_index(monitors, i);

        if (mon->negotiated) {
            qmp_send_text(mon, text);
        }
    }
}

/* --- replies --- */

static void qmp_reply(QmpMonitor *mon, JsonNode *id, JsonNode *value)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;

    json_builder_begin_object(b);
    json_builder_set_member_name(b, "return");
    json_builder_add_value(b, value);
    if (id) {
        json_builder_set_member_name(b, "id");
        json_builder_add_value(b, json_node_copy(id));
    }
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    qmp_send_node(mon, root);
}

static void qmp_error(QmpMonitor *mon, JsonNode *id, const char *cls,
                      const char *fmt, ...) G_GNUC_PRINTF(4, 5);

static void qmp_error(QmpMonitor *mon, JsonNode *id, const char *cls,
                      const char *fmt, ...)
{
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *desc = NULL;
    va_list ap;

    va_start(ap, fmt);
    desc = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "error");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "class");
    json_builder_add_string_value(b, cls);
    json_builder_set_member_name(b, "desc");
    json_builder_add_string_value(b, desc);
    json_builder_end_object(b);
    if (id) {
        json_builder_set_member_name(b, "id");
        json_builder_add_value(b, json_node_copy(id));
    }
    json_builder_end_object(b);
    root = json_builder_get_root(b);
    qmp_send_node(mon, root);
}

static JsonNode *empty_object(void)
{
    JsonNode *n = json_node_new(JSON_NODE_OBJECT);

    json_node_take_object(n, json_object_new());
    return n;
}

/* --- commands --- */

typedef struct QmpRequest {
    QmpMonitor *mon;
    JsonNode *id;
    JsonObject *args;   /* may be NULL */
} QmpRequest;

static const char *arg_string(QmpRequest *q, const char *name)
{
    JsonNode *n = q->args ? json_object_get_member(q->args, name) : NULL;

    if (!n || !JSON_NODE_HOLDS_VALUE(n) ||
        json_node_get_value_type(n) != G_TYPE_STRING) {
        qmp_error(q->mon, q->id, "GenericError",
                  "Parameter '%s' is missing or not a string", name);
        return NULL;
    }
    return json_node_get_string(n);
}

static void cmd_query_status(QmpRequest *q)
{
    qmp_reply(q->mon, q->id, json_from_string(
        "{\"status\": \"running\", \"singlestep\": false, \"running\": true}",
        NULL));
}

static void cmd_query_version(QmpRequest *q)
{
    unsigned major = 0, minor = 0, micro = 0;
    g_autofree char *text = NULL;

    sscanf(KILN_VERSION, "%u.%u.%u", &major, &minor, &micro);
    text = g_strdup_printf("{\"qemu\": {\"micro\": %u, \"minor\": %u, "
                           "\"major\": %u}, \"package\": \"kiln %s\"}",
                           micro, minor, major, KILN_VERSION);
    qmp_reply(q->mon, q->id, json_from_string(text, NULL));
}

static void add_machine(JsonBuilder *b, const char *name, bool is_default)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, name);
    json_builder_set_member_name(b, "cpu-max");
    json_builder_add_int_value(b, 1);
    json_builder_set_member_name(b, "hotpluggable-cpus");
    json_builder_add_boolean_value(b, FALSE);
    json_builder_set_member_name(b, "numa-mem-supported");
    json_builder_add_boolean_value(b, FALSE);
    json_builder_set_member_name(b, "deprecated");
    json_builder_add_boolean_value(b, FALSE);
    json_builder_set_member_name(b, "acpi");
    json_builder_add_boolean_value(b, FALSE);
    if (is_default) {
        json_builder_set_member_name(b, "is-default");
        json_builder_add_boolean_value(b, TRUE);
    }
    json_builder_end_object(b);
}

static void cmd_query_machines(QmpRequest *q)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_array(b);
    for (size_t i = 0; board_builtin_names[i]; i++) {
        add_machine(b, board_builtin_names[i],
                    strcmp(board_builtin_names[i], "virt") == 0);
    }
    add_machine(b, "dt", false);
    json_builder_end_array(b);
    qmp_reply(q->mon, q->id, json_builder_get_root(b));
}

static Device *qom_device(QmpRequest *q, const char *path)
{
    Device *dev = device_resolve_path(current_machine ? current_machine->root
                                                      : NULL, path);

    if (!dev) {
        qmp_error(q->mon, q->id, "DeviceNotFound", "Device '%s' not found",
                  path);
    }
    return dev;
}

static const char *prop_qom_type(PropType t)
{
    switch (t) {
    case PROP_TYPE_U32:
        return "uint32";
    case PROP_TYPE_U64:
        return "uint64";
    case PROP_TYPE_BOOL:
        return "bool";
    case PROP_TYPE_STRING:
        return "string";
    case PROP_TYPE_STRLIST:
        return "strList";
    case PROP_TYPE_LINK:
        return "link";
    }
    return "";
}

static void add_qom_entry(JsonBuilder *b, const char *name, const char *type)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, name);
    json_builder_set_member_name(b, "type");
    json_builder_add_string_value(b, type);
    json_builder_end_object(b);
}

static void cmd_qom_list(QmpRequest *q)
{
    const char *path = arg_string(q, "path");
    g_autoptr(JsonBuilder) b = json_builder_new();
    Device *dev;

    if (!path || !(dev = qom_device(q, path))) {
        return;
    }
    json_builder_begin_array(b);
    add_qom_entry(b, "type", "string");
    for (guint i = 0; i < dev->children->len; i++) {
        Device *c = g_ptr_array_index(dev->children, i);
        g_autofree char *type = g_strdup_printf("child<%s>", c->desc->name);

        add_qom_entry(b, c->name, type);
    }
    for (const PropDesc *p = dev->desc->props; p && p->name; p++) {
        add_qom_entry(b, p->name, prop_qom_type(p->type));
    }
    json_builder_end_array(b);
    qmp_reply(q->mon, q->id, json_builder_get_root(b));
}

static void cmd_qom_get(QmpRequest *q)
{
    const char *path = arg_string(q, "path");
    const char *prop = path ? arg_string(q, "property") : NULL;
    const PropDesc *p;
    JsonNode *value;
    Device *dev;

    if (!prop || !(dev = qom_device(q, path))) {
        return;
    }
    if (strcmp(prop, "type") == 0) {
        value = json_node_init_string(json_node_alloc(), dev->desc->name);
        qmp_reply(q->mon, q->id, value);
        return;
    }
    p = device_find_prop(dev, prop);
    if (!p) {
        qmp_error(q->mon, q->id, "GenericError", "Property '%s' not found",
                  prop);
        return;
    }
    switch (p->type) {
    case PROP_TYPE_U32:
    case PROP_TYPE_U64:
        value = json_node_init_int(json_node_alloc(),
                                   (gint64)device_prop_uint(dev, p));
        break;
    case PROP_TYPE_BOOL:
        value = json_node_init_boolean(json_node_alloc(),
                                       device_prop_uint(dev, p) != 0);
        break;
    default: {
        g_autofree char *text = device_prop_format(dev, p);

        value = json_node_init_string(json_node_alloc(), text);
        break;
    }
    }
    qmp_reply(q->mon, q->id, value);
}

static void cmd_system_reset(QmpRequest *q)
{
    qmp_reply(q->mon, q->id, empty_object());
    machine_request_reset("host-qmp-system-reset");
}

static void cmd_quit(QmpRequest *q)
{
    qmp_reply(q->mon, q->id, empty_object());
    qmp_send_event("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-qmp-quit\"}");
    machine_request_shutdown(0);
}

static void cmd_query_commands(QmpRequest *q);

static const struct {
    const char *name;
    void (*fn)(QmpRequest *q);
} qmp_commands[] = {
    { "query-status", cmd_query_status },
    { "query-version", cmd_query_version },
    { "query-machines", cmd_query_machines },
    { "query-commands", cmd_query_commands },
    { "qom-list", cmd_qom_list },
    { "qom-get", cmd_qom_get },
    { "system_reset", cmd_system_reset },
    { "quit", cmd_quit },
};

static void cmd_query_commands(QmpRequest *q)
{
    g_autoptr(JsonBuilder) b = json_builder_new();

    json_builder_begin_array(b);
    add_qom_entry(b, "name", "qmp_capabilities");
    for (size_t i = 0; i < ARRAY_SIZE(qmp_commands); i++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, qmp_commands[i].name);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    qmp_reply(q->mon, q->id, json_builder_get_root(b));
}

static void qmp_dispatch(QmpMonitor *mon, const char *text)
{
    g_autoptr(JsonParser) parser = json_parser_new();
    g_autoptr(GError) err = NULL;
    QmpRequest q = { .mon = mon };
    JsonObject *obj;
    JsonNode *root, *exec, *args;
    const char *name;

    if (!json_parser_load_from_data(parser, text, -1, &err)) {
        qmp_error(mon, NULL, "GenericError", "JSON parse error, %s",
                  err->message);
        return;
    }
    root = json_parser_get_root(parser);
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
        qmp_error(mon, NULL, "GenericError", "QMP input must be a JSON object");
        return;
    }
    obj = json_node_get_object(root);
    q.id = json_object_get_member(obj, "id");
    exec = json_object_get_member(obj, "execute");
    if (!exec) {
        exec = json_object_get_member(obj, "exec-oob");
    }
    if (!exec || !JSON_NODE_HOLDS_VALUE(exec) ||
        json_node_get_value_type(exec) != G_TYPE_STRING) {
        qmp_error(mon, q.id, "GenericError",
                  "QMP input lacks member 'execute'");
        return;
    }
    name = json_node_get_string(exec);
    args = json_object_get_member(obj, "arguments");
    if (args && !JSON_NODE_HOLDS_OBJECT(args)) {
        qmp_error(mon, q.id, "GenericError",
                  "QMP input member 'arguments' must be an object");
        return;
    }
    q.args = args ? json_node_get_object(args) : NULL;

    if (strcmp(name, "qmp_capabilities") == 0) {
        if (mon->negotiated) {
            qmp_error(mon, q.id, "CommandNotFound",
                      "Capabilities negotiation is already complete, "
                      "command ignored");
            return;
        }
        mon->negotiated = true;
        qmp_reply(mon, q.id, empty_object());
        return;
    }
    if (!mon->negotiated) {
        qmp_error(mon, q.id, "CommandNotFound",
                  "Expecting capabilities negotiation with 'qmp_capabilities'");
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(qmp_commands); i++) {
        if (strcmp(name, qmp_commands[i].name) == 0) {
            qmp_commands[i].fn(&q);
            return;
        }
    }
    qmp_error(mon, q.id, "CommandNotFound", "The command %s has not been found",
              name);
}

/*
 * Find the ends of top-level JSON values in the byte stream and dispatch
 * each.  Bytes outside any value (white space between objects) are
 * dropped; a value that grows past QMP_MAX_MESSAGE is discarded with an
 * error, and the scanner starts afresh.
 */
static void qmp_scan(QmpMonitor *mon, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = (char)buf[i];

        if (mon->depth == 0 && !mon->in_string && c != '{' && c != '[') {
            if (!g_ascii_isspace(c)) {
                qmp_error(mon, NULL, "GenericError",
                          "JSON parse error, stray '%c'", c);
            }
            continue;
        }
        g_string_append_c(mon->buf, c);
        if (mon->in_string) {
            if (mon->escaped) {
                mon->escaped = false;
            } else if (c == '\\') {
                mon->escaped = true;
            } else if (c == '"') {
                mon->in_string = false;
            }
        } else if (c == '"') {
            mon->in_string = true;
        } else if (c == '{' || c == '[') {
            mon->depth++;
        } else if (c == '}' || c == ']') {
            mon->depth--;
        }
        if (mon->depth == 0 && !mon->in_string) {
            qmp_dispatch(mon, mon->buf->str);
            g_string_truncate(mon->buf, 0);
        } else if (mon->buf->len > QMP_MAX_MESSAGE) {
            qmp_error(mon, NULL, "GenericError", "JSON parse error, "
                      "message longer than %u bytes", QMP_MAX_MESSAGE);
            g_string_truncate(mon->buf, 0);
            mon->depth = 0;
            mon->in_string = mon->escaped = false;
        }
    }
}

static size_t qmp_can_receive(void *opaque)
{
    return 4096;
}

static void qmp_receive(void *opaque, const uint8_t *buf, size_t len)
{
    qmp_scan(opaque, buf, len);
}

static void qmp_event(void *opaque, ChardevEvent event)
{
    QmpMonitor *mon = opaque;

    /* Every new connection starts a new session, as with QEMU's monitor. */
    mon->negotiated = false;
    mon->depth = 0;
    mon->in_string = mon->escaped = false;
    g_string_truncate(mon->buf, 0);
    if (event == CHARDEV_OPENED) {
        qmp_send_greeting(mon);
    }
}

static void qmp_on_reset(void *opaque, const char *reason, bool guest)
{
    g_autofree char *data = g_strdup_printf(
        "{\"guest\": %s, \"reason\": \"%s\"}", guest ? "true" : "false", reason);

    qmp_send_event("RESET", data);
}

void qmp_monitor_init(Chardev *chr)
{
    QmpMonitor *mon = g_new0(QmpMonitor, 1);

    if (!monitors) {
        monitors = g_ptr_array_new();
        runstate_add_reset_notifier(qmp_on_reset, NULL);
    }
    mon->chr = chr;
    mon->buf = g_string_new("");
    g_ptr_array_add(monitors, mon);
    chardev_set_frontend(chr, qmp_can_receive, qmp_receive, qmp_event, mon);
}
