#!/usr/bin/env python3
"""Plain PyTorch (CPU, float64) reference for the lumped thermal-neuristor lattice.

This is intentionally the "obvious" implementation: forward Euler at a fixed dt,
vectorised over devices, a Python loop over time. It exists only as a speed and
accuracy baseline for the C++ solver, so clarity beats cleverness here.
Run with Debian's interpreter: /usr/bin/python3 benchmarks/pytorch_reference.py
"""
import argparse
import json
import math
import time

import torch

# VO2 / circuit defaults (SI units).
P = dict(R0=5.359e-3, Ea=5220.0, Rm=262.5, k=4.90, beta=0.253, w=7.193, Tc=332.8,
         gamma=0.956, C=145e-12, S_th=0.206e-3, C_th=49.6e-12, T0=325.0)
ATANH_CLIP = 1.0 - 1e-15  # keeps atanh finite when a reversal happens deep on a branch


def insulating_fraction(T, delta, Tpr, Tr, active):
    """F(T) on the current hysteresis branch; `active` selects devices whose
    minor-loop (Tpr*Prox) term applies (reversed at least once and Tpr != 0)."""
    # Substitute a harmless denominator where the term is inactive so no NaN/inf
    # leaks through torch.where (both branches are always evaluated).
    safe_Tpr = torch.where(active, Tpr, torch.ones_like(Tpr))
    x = (T - Tr) / safe_Tpr
    prox = 0.5 * (1.0 - torch.sin(P["gamma"] * x)) * (1.0 + torch.tanh(math.pi ** 2 - 2.0 * math.pi * x))
    T_eff = T + torch.where(active, Tpr * prox, torch.zeros_like(T))
    return 0.5 + 0.5 * torch.tanh(P["beta"] * (delta * P["w"] / 2 + P["Tc"] - T_eff))


def neighbour_sum(G):
    """Sum of the 4 nearest neighbours on an open (non-periodic) grid."""
    S = torch.zeros_like(G)
    S[1:, :] += G[:-1, :]
    S[:-1, :] += G[1:, :]
    S[:, 1:] += G[:, :-1]
    S[:, :-1] += G[:, 1:]
    return S


def simulate(a):
    torch.set_num_threads(a.threads)
    dt, steps = a.dt, int(round(a.t_end / a.dt))
    shape, dd = (a.rows, a.cols), dict(dtype=torch.float64)
    gen = torch.Generator().manual_seed(a.seed)

    n_nb = neighbour_sum(torch.ones(shape, **dd))          # 2..4 on the open lattice
    S_c = a.eta * P["S_th"]
    S_env = (1.0 - n_nb * a.eta) * P["S_th"]                # edge devices leak more to the bath

    V = torch.zeros(shape, **dd)
    T = torch.full(shape, P["T0"], **dd)
    delta = torch.ones(shape, **dd)                          # +1 heating branch, -1 cooling
    Tpr = torch.zeros(shape, **dd)
    Tr = torch.zeros(shape, **dd)
    has_reversed = torch.zeros(shape, dtype=torch.bool)
    armed = torch.ones(shape, dtype=torch.bool)              # spike detector hysteresis
    noise_amp = a.noise * math.sqrt(dt)
    spike_steps, spike_devs = [], []

    t0, cpu0 = time.perf_counter(), time.process_time()
    for n in range(steps):
        active = has_reversed & (Tpr != 0)
        F = insulating_fraction(T, delta, Tpr, Tr, active)
        R = P["R0"] * torch.exp(P["Ea"] / T) * F + P["k"] * P["Rm"]
        dVdt = ((a.vin - V) / a.r_load - V / R) / P["C"]
        Q = V * V / R - S_env * (T - P["T0"]) - S_c * (n_nb * T - neighbour_sum(T))
        dTdt = Q / P["C_th"]

        # Branch reversal: Fr is taken on the OLD branch so F stays continuous
        # across the switch; Tpr is then chosen so the new branch passes through (Tr, Fr).
        rev = (torch.sign(dTdt) != delta) & (dTdt != 0)
        if rev.any():
            Fr = F  # F was just evaluated at T on the old branch
            new_delta = -delta
            u = torch.clamp(2.0 * Fr - 1.0, -ATANH_CLIP, ATANH_CLIP)
            new_Tpr = new_delta * P["w"] / 2 + P["Tc"] - torch.atanh(u) / P["beta"] - T
            delta = torch.where(rev, new_delta, delta)
            Tpr = torch.where(rev, new_Tpr, Tpr)
            Tr = torch.where(rev, T, Tr)
            has_reversed = has_reversed | rev
            # F is unchanged by construction, so the F above still serves spike detection.

        # Spike = start of a metallic episode; the 0.5/0.6 gap avoids double counting jitter.
        fire = armed & (F < 0.5)
        if fire.any():
            idx = torch.nonzero(fire.flatten()).flatten()
            spike_devs.append(idx)
            spike_steps.append(torch.full_like(idx, n))
        armed = (armed & ~fire) | (F > 0.6)

        V = V + dt * dVdt
        T = T + dt * dTdt
        if noise_amp > 0:
            T = T + noise_amp * torch.randn(shape, generator=gen, **dd)
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0

    if spike_devs:
        devs, stp = torch.cat(spike_devs), torch.cat(spike_steps)
    else:
        devs = stp = torch.zeros(0, dtype=torch.long)
    return steps, wall, cpu, devs, stp.to(torch.float64) * dt


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=64)
    p.add_argument("--cols", type=int, default=64)
    p.add_argument("--eta", type=float, default=0.02)
    p.add_argument("--vin", type=float, default=12.0)
    p.add_argument("--r-load", type=float, default=12e3)
    p.add_argument("--t-end", type=float, default=2e-6)
    p.add_argument("--dt", type=float, default=1e-8)
    p.add_argument("--noise", type=float, default=0.0, help="sigma, K/sqrt(s)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--spikes-csv", default=None)
    p.add_argument("--json", default=None)
    a = p.parse_args()

    steps, wall, cpu, devs, times = simulate(a)
    N = a.rows * a.cols
    res = dict(devices=N, steps=steps, simulated_time_s=steps * a.dt, wall_s=wall, cpu_s=cpu,
               throughput_device_us_per_s=N * (steps * a.dt * 1e6) / wall,
               throughput_device_us_per_cpu_s=N * (steps * a.dt * 1e6) / cpu,
               spikes_total=int(devs.numel()), spikes_per_device=devs.numel() / N,
               dt_s=a.dt, eta=a.eta, vin=a.vin, threads=a.threads, noise=a.noise)
    for key, val in res.items():
        print(f"{key}: {val}")

    if a.spikes_csv:
        order = torch.argsort(times, stable=True)
        with open(a.spikes_csv, "w") as f:
            f.write("device,t_s\n")
            for d, t in zip(devs[order].tolist(), times[order].tolist()):
                f.write(f"{d},{t:.12e}\n")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)


if __name__ == "__main__":
    main()
