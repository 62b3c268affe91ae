/*
 * Character devices: the host end of a UART, the qtest stream, a QMP
 * monitor.  Backends: stdio, file, unix and tcp sockets (client or
 * server), null.  Input arrives through the glib main loop and is handed
 * to the one front end attached to the chardev, no faster than the front
 * end says it can take (a UART with a full FIFO stops reading the host).
 *
 * Specs follow QEMU:
 *     -chardev socket,id=c0,path=/tmp/s,server=on,wait=off
 *     -chardev file,id=c1,path=out.txt
 *     -chardev stdio,id=c2      -chardev null,id=c3
 *     -serial stdio | null | none | file:PATH | unix:PATH[,server=on...]
 *             | tcp:HOST:PORT[,server=on,wait=off] | chardev:ID | mon:stdio
 */
#ifndef KILN_CHARDEV_H
#define KILN_CHARDEV_H

#include "kiln/common.h"

typedef struct Chardev Chardev;

typedef enum ChardevEvent {
    CHARDEV_OPENED,     /* a peer connected (sockets), or the backend is ready */
    CHARDEV_CLOSED,     /* the peer went away or input reached end of file */
} ChardevEvent;

/* How many bytes the front end can take now (0: pause input). */
typedef size_t ChardevCanReceive(void *opaque);
typedef void ChardevReceive(void *opaque, const uint8_t *buf, size_t len);
typedef void ChardevEventHandler(void *opaque, ChardevEvent event);

/* -chardev BACKEND,id=ID,...: created and registered under ID. */
Chardev *chardev_new(const char *spec, GError **errp);
/*
 * A -serial/-qtest/-qmp style spec ("stdio", "unix:PATH", ...) registered
 * under ID.  "chardev:ID" returns the existing chardev; "none" returns
 * NULL without an error.
 */
Chardev *chardev_new_simple(const char *spec, const char *id, GError **errp);
Chardev *chardev_find(const char *id);
const char *chardev_id(const Chardev *chr);

/*
 * Attach the front end.  A chardev whose peer is already there (file,
 * stdio, a connected client socket) reports CHARDEV_OPENED from the main
 * loop soon after, never from inside this call.
 */
void chardev_set_frontend(Chardev *chr, ChardevCanReceive *can_receive,
                          ChardevReceive *receive,
                          ChardevEventHandler *event, void *opaque);
/* The front end can take more input again: poll the backend. */
void chardev_accept_input(Chardev *chr);

/* Write everything (blocking); dropped when no peer is connected. */
void chardev_write(Chardev *chr, const void *buf, size_t len);
bool chardev_is_connected(const Chardev *chr);

/* Close and free every chardev (process exit, unit tests). */
void chardev_close_all(void);

#endif
