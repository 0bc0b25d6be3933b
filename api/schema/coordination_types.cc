// coordination.k8s.io/v1 Lease, used for leader election and node heartbeats.
#include "api/schema/builder.h"

namespace skiff::api::schema_internal {

void DefineCoordinationTypes(SchemaBuilder& b) {
  b.Package("io.k8s.api.coordination.v1");

  b.Type("Lease", "A lease held by one holder at a time, renewed to keep it.", kActed)
      .TopLevel()
      .F("spec", "LeaseSpec", "The holder and timing of the lease.");

  b.Type("LeaseSpec", "Holder and timing of a lease.", kActed)
      .F("holderIdentity", "string", "Identity of the current holder.")
      .F("leaseDurationSeconds", "int32",
         "Seconds a holder waits after the last renewal before taking over.")
      .F("acquireTime", "MicroTime", "When the current holder acquired the lease.")
      .F("renewTime", "MicroTime", "When the current holder last renewed the lease.")
      .F("leaseTransitions", "int32", "Times the lease changed holder.")
      .F("strategy", "string", "Strategy for choosing the next holder in coordinated election.")
      .F("preferredHolder", "string", "Holder a coordinated election prefers next.");
}

}  // namespace skiff::api::schema_internal
