/* cli/version.h - the program's version and the source revision it was
 * built from (for --version and summary.json's provenance). */
#ifndef CLI_VERSION_H
#define CLI_VERSION_H

extern const char npusim_version[];
/* `git describe --always --dirty --abbrev=12` of the build's tree, or
 * "unknown" outside a git checkout */
extern const char npusim_revision[];

#endif
