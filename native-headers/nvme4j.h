/*
 * Input header for the jextract-generated bindings in dev.nvme4j.sys.gen.
 *
 * It only gathers the system headers whose declarations the driver needs;
 * native-headers/jextract.args selects the individual symbols, so adding a
 * header here does not by itself add anything to the generated code.
 */
#ifndef NVME4J_H
#define NVME4J_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <linux/vfio.h>

#endif /* NVME4J_H */
