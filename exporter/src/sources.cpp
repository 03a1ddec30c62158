// The registry of sources: each is one file; adding a source is one line below.
#include "discovery_source.hpp"
#include "gateway_collector.hpp"
#include "log_source.hpp"
#include "memory_source.hpp"
#include "probe_source.hpp"
#include "process_source.hpp"
#include "socket_source.hpp"
#include "systemd_source.hpp"

#include <set>
#include <string>

namespace openclaw::exporter {

std::vector<std::unique_ptr<Source>> make_sources(const ExporterConfig& config,
                                                  const std::shared_ptr<const ProcessSampler>& sampler,
                                                  std::shared_ptr<SystemdUserManager> systemd,
                                                  std::shared_ptr<const Prober> prober) {
  std::vector<std::unique_ptr<Source>> sources;
  std::set<std::string> units;
  for (const auto& gateway : config.gateways) {
    if (!gateway.unit.empty()) units.insert(gateway.unit);
  }
  auto exits = std::make_shared<UnitExitWatcher>(config.systemd_address, std::move(units));
  sources.push_back(std::make_unique<SystemdSource>(std::move(systemd), std::move(exits)));  // before discovery
  sources.push_back(std::make_unique<DiscoverySource>(std::make_shared<const ProcessFinder>(config.procfs)));
  sources.push_back(std::make_unique<ProcessSource>(sampler));
  sources.push_back(std::make_unique<MemorySource>(std::make_shared<const MemorySampler>(config.procfs, config.cgroupfs)));
  sources.push_back(std::make_unique<SocketSource>(make_socket_counter(config.socket_method, config.procfs)));
  sources.push_back(std::make_unique<ProbeSource>(std::move(prober)));
  sources.push_back(std::make_unique<LogSource>(config.gateways));
  return sources;
}

}  // namespace openclaw::exporter
