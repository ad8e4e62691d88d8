// libldns for Swift. Only PrivateDNS/LDNS/ imports this module (`internal import CLDNS`), so no ldns type can
// appear in a public or package signature. Debian package: libldns-dev; pkg-config name: ldns.
#ifndef CLDNS_SHIM_H
#define CLDNS_SHIM_H

#include <stdio.h>
#include <ldns/ldns.h>

#endif
