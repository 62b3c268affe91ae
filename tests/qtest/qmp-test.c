/*
 * QMP as QEMU speaks it (QEMU's docs/interop/qmp-spec.rst): the greeting
 * and capabilities negotiation, the commands qtest-style tests use, the
 * error classes clients tell apart, and events.  Runs against kiln and, as
 * "qmp-vs-qemu", against QEMU itself.
 */
#include "libqtest.h"

#include <string.h>
#include <sys/wait.h>

static JsonObject *member_object(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);

    if (!n || !JSON_NODE_HOLDS_OBJECT(n)) {
        g_error("no object member '%s'", name);
    }
    return json_node_get_object(n);
}

static JsonArray *member_array(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);

    if (!n || !JSON_NODE_HOLDS_ARRAY(n)) {
        g_error("no array member '%s'", name);
    }
    return json_node_get_array(n);
}

static const char *member_string(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);

    if (!n || json_node_get_value_type(n) != G_TYPE_STRING) {
        g_error("no string member '%s'", name);
    }
    return json_node_get_string(n);
}

static void assert_member_int(JsonObject *o, const char *name)
{
    JsonNode *n = json_object_get_member(o, name);

    if (!n || json_node_get_value_type(n) != G_TYPE_INT64) {
        g_error("no integer member '%s'", name);
    }
}

/* RSP must be {"return": {}}, exactly. */
static void assert_empty_return(JsonNode *rsp)
{
    g_autofree char *text = json_to_string(rsp, FALSE);

    g_assert_cmpstr(text, ==, "{\"return\":{}}");
    json_node_unref(rsp);
}

/* RSP must be an error of class CLASS; its description is returned. */
static char *assert_error(JsonNode *rsp, const char *class)
{
    JsonObject *o = json_node_get_object(rsp);
    JsonObject *err;
    char *desc;

    if (!json_object_has_member(o, "error")) {
        g_autofree char *text = json_to_string(rsp, FALSE);
        g_error("want an error of class %s, got %s", class, text);
    }
    err = member_object(o, "error");
    g_assert_cmpstr(member_string(err, "class"), ==, class);
    desc = g_strdup(member_string(err, "desc"));
    json_node_unref(rsp);
    return desc;
}

static void test_greeting_and_negotiation(void)
{
    QTestState *s = qtest_init_without_qmp_handshake("-M virt");
    JsonObject *qmp, *version, *qemu;
    g_autofree char *desc = NULL;

    qmp = member_object(json_node_get_object(qtest_qmp_greeting(s)), "QMP");
    version = member_object(qmp, "version");
    qemu = member_object(version, "qemu");
    assert_member_int(qemu, "major");
    assert_member_int(qemu, "minor");
    assert_member_int(qemu, "micro");
    member_string(version, "package");
    member_array(qmp, "capabilities");

    /* Until capabilities are negotiated, nothing else is accepted. */
    desc = assert_error(qtest_qmp(s, "{'execute': 'query-status'}"),
                        "CommandNotFound");
    assert_empty_return(qtest_qmp(s, "{'execute': 'qmp_capabilities'}"));
    json_node_unref(qtest_qmp_assert_success_ref(s,
                        "{'execute': 'query-status'}"));
    qtest_quit(s);
}

static void test_query_status(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'query-status'}");
    JsonObject *o = json_node_get_object(ret);
    /* A QEMU without its qtest accelerator was started with -S. */
    bool running = qtest_has_clock(s);

    g_assert_cmpstr(member_string(o, "status"), ==,
                    running ? "running" : "prelaunch");
    g_assert_cmpint(json_object_get_boolean_member(o, "running"), ==,
                    running);
    json_node_unref(ret);
    qtest_quit(s);
}

static bool machines_include(JsonArray *machines, const char *name)
{
    guint i;

    for (i = 0; i < json_array_get_length(machines); i++) {
        JsonObject *m = json_array_get_object_element(machines, i);

        if (strcmp(member_string(m, "name"), name) == 0) {
            return true;
        }
    }
    return false;
}

static void test_query_machines(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'query-machines'}");

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    g_assert_true(machines_include(json_node_get_array(ret), "virt"));
    g_assert_true(machines_include(json_node_get_array(ret), "none"));
    g_assert_false(machines_include(json_node_get_array(ret), "no-such"));
    json_node_unref(ret);
    qtest_quit(s);
}

static void test_unknown_command(void)
{
    QTestState *s = qtest_init("-M virt");
    g_autofree char *desc = assert_error(
        qtest_qmp(s, "{'execute': 'no-such-command'}"), "CommandNotFound");

    g_assert_cmpstr(desc, ==, "The command no-such-command has not been found");
    /* The session goes on. */
    json_node_unref(qtest_qmp_assert_success_ref(s,
                        "{'execute': 'query-status'}"));
    qtest_quit(s);
}

static void test_system_reset(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ev;
    JsonObject *o, *data;

    assert_empty_return(qtest_qmp(s, "{'execute': 'system_reset'}"));
    ev = qtest_qmp_eventwait_ref(s, "RESET");
    o = json_node_get_object(ev);
    data = member_object(o, "data");
    g_assert_false(json_object_get_boolean_member(data, "guest"));
    g_assert_cmpstr(member_string(data, "reason"), ==,
                    "host-qmp-system-reset");
    o = member_object(o, "timestamp");
    assert_member_int(o, "seconds");
    assert_member_int(o, "microseconds");
    json_node_unref(ev);
    qtest_quit(s);
}

static void test_qom_list(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'qom-list', "
                        "'arguments': {'path': '/machine'}}");
    JsonArray *props;
    bool has_type = false;
    guint i;

    g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
    props = json_node_get_array(ret);
    g_assert_cmpuint(json_array_get_length(props), >, 0);
    for (i = 0; i < json_array_get_length(props); i++) {
        JsonObject *p = json_array_get_object_element(props, i);
        const char *name = member_string(p, "name");
        const char *type = member_string(p, "type");

        if (strcmp(name, "type") == 0) {
            g_assert_cmpstr(type, ==, "string");
            has_type = true;
        }
    }
    g_assert_true(has_type);
    json_node_unref(ret);

    g_free(assert_error(qtest_qmp(s, "{'execute': 'qom-list', 'arguments': "
                                  "{'path': '/machine/no-such'}}"),
                        "DeviceNotFound"));
    qtest_quit(s);
}

static void test_qom_get(void)
{
    QTestState *s = qtest_init("-M virt");
    JsonNode *ret = qtest_qmp_assert_success_ref(s,
                        "{'execute': 'qom-get', 'arguments': "
                        "{'path': '/machine', 'property': 'type'}}");

    g_assert_cmpint(json_node_get_value_type(ret), ==, G_TYPE_STRING);
    g_assert_cmpstr(json_node_get_string(ret), !=, "");
    json_node_unref(ret);

    g_free(assert_error(qtest_qmp(s, "{'execute': 'qom-get', 'arguments': "
                                  "{'path': '/machine', "
                                  "'property': 'no-such'}}"),
                        "GenericError"));
    g_free(assert_error(qtest_qmp(s, "{'execute': 'qom-get', 'arguments': "
                                  "{'path': '/machine/no-such', "
                                  "'property': 'type'}}"),
                        "DeviceNotFound"));
    qtest_quit(s);
}

static void test_quit(void)
{
    QTestState *s = qtest_init("-M virt");
    int status;

    assert_empty_return(qtest_qmp(s, "{'execute': 'quit'}"));
    status = qtest_wait_qemu(s);
    g_assert_true(WIFEXITED(status));
    g_assert_cmpint(WEXITSTATUS(status), ==, 0);
    qtest_quit(s);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qmp/greeting-and-negotiation",
                    test_greeting_and_negotiation);
    g_test_add_func("/qmp/query-status", test_query_status);
    g_test_add_func("/qmp/query-machines", test_query_machines);
    g_test_add_func("/qmp/unknown-command", test_unknown_command);
    g_test_add_func("/qmp/system-reset", test_system_reset);
    g_test_add_func("/qmp/qom-list", test_qom_list);
    g_test_add_func("/qmp/qom-get", test_qom_get);
    g_test_add_func("/qmp/quit", test_quit);
    return g_test_run();
}
