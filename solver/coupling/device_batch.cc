#include "solver/coupling/device_batch.h"

#include <algorithm>

namespace neuristor
{
  std::unique_ptr<DeviceBatch>
  DeviceBatch::create(const std::vector<DeviceIntegrator> &integrators)
  {
    VO2ResistanceBatch model;
    for (const auto &integrator : integrators)
      {
        const auto *vo2 =
          dynamic_cast<const VO2Resistance *>(integrator.device_circuit().device_model());
        if (!vo2)
          return nullptr;
        model.add(vo2->parameters());
      }
    return std::unique_ptr<DeviceBatch>(new DeviceBatch(integrators, std::move(model)));
  }

  DeviceBatch::DeviceBatch(const std::vector<DeviceIntegrator> &integrators,
                           VO2ResistanceBatch                   model)
    : integrators(integrators)
    , model(std::move(model))
  {}

  void
  DeviceBatch::evaluate(const std::vector<Work> &work, const std::vector<unsigned int> &entries,
                        const bool at_half)
  {
    states.resize(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i)
      {
        const unsigned int e    = entries[i];
        const auto        &step = steps[e];
        states.set(i, work[e].k, at_half ? step.T_half : step.T, work[e].state->hysteresis);
      }
    model.evaluate(states, values);
  }

  void
  DeviceBatch::advance(const std::vector<Work> &work, const double t_end)
  {
    for (std::size_t b = 0; b < work.size(); b += chunk)
      advance(work, b, std::min(work.size(), b + chunk), t_end);
  }

  void
  DeviceBatch::advance(const std::vector<Work> &work, const std::size_t begin, const std::size_t end, const double t_end)
  {
    steps.resize(work.size());
    running.clear();
    for (unsigned int e = begin; e < end; ++e)
      {
        const auto &w = work[e];
        integrators[w.k].start(*w.state, w.device, w.traced, *w.samples);
        running.push_back(e);
      }
    while (!running.empty())
      {
        // Plan a step for each device short of t_end; its first stage.
        stepping.clear();
        std::size_t still = 0;
        for (const unsigned int e : running)
          {
            const auto &w = work[e];
            if (!integrators[w.k].plan_step(*w.state, t_end, *w.heat, w.noise, steps[e]))
              continue;
            running[still++] = e;
            if (integrators[w.k].first_stage(*w.state, steps[e]))
              stepping.push_back(e);
          }
        running.resize(still);

        evaluate(work, stepping, true);
        ending.clear();
        for (std::size_t i = 0; i < stepping.size(); ++i)
          {
            const unsigned int e = stepping[i];
            const auto        &w = work[e];
            if (integrators[w.k].second_stage(*w.state, *w.heat, values[i], steps[e]))
              ending.push_back(e);
          }

        evaluate(work, ending, false);
        for (std::size_t i = 0; i < ending.size(); ++i)
          {
            const unsigned int e = ending[i];
            const auto        &w = work[e];
            integrators[w.k].third_stage(*w.state, *w.heat, values[i], steps[e]);
          }

        for (const unsigned int e : running)
          {
            const auto &w = work[e];
            integrators[w.k].finish_step(*w.state, steps[e], t_end, *w.heat, w.device, w.traced,
                                         *w.samples, *w.spikes);
          }
      }
  }
} // namespace neuristor
