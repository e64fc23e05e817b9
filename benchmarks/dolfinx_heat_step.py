#!/usr/bin/env python3
"""The peer of `heat_benchmark cube`: a standard DOLFINx (0.5) heat-step script.

Unit cube, n^3 hexahedral Q1 cells, backward Euler with dt = 1e-3, unit
coefficients, T = 0 on the bottom face z = 0, a source of 1e3 in the box
|x-0.5| < 0.05, |y-0.5| < 0.05, z > 0.9; CG to a relative residual of 1e-8
(unpreconditioned norm, as ours) from the previous step.

    dolfinx_heat_step.py N STEPS {amg|amg-tuned|jacobi}

amg: BoomerAMG with PETSc's defaults; amg-tuned: HMIS coarsening, strong
threshold 0.7; jacobi: point Jacobi. Prints one line like heat_benchmark's.
"""
import resource
import sys
import time

import numpy as np
import ufl
from dolfinx import fem, mesh
from dolfinx.fem.petsc import (apply_lifting, assemble_matrix, assemble_vector,
                               create_vector, set_bc)
from mpi4py import MPI
from petsc4py import PETSc


def main():
    n, steps, config = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if config not in ("amg", "amg-tuned", "jacobi"):
        sys.exit(f"dolfinx_heat_step.py: unknown configuration '{config}' (amg, amg-tuned, jacobi)")
    comm = MPI.COMM_WORLD
    start = time.perf_counter()
    domain = mesh.create_unit_cube(comm, n, n, n, cell_type=mesh.CellType.hexahedron)
    V = fem.FunctionSpace(domain, ("Lagrange", 1))
    bottom = mesh.locate_entities_boundary(domain, 2, lambda x: np.isclose(x[2], 0.0))
    bc = fem.dirichletbc(PETSc.ScalarType(0), fem.locate_dofs_topological(V, 2, bottom), V)
    dt = 1e-3
    x = ufl.SpatialCoordinate(domain)
    inside = ufl.And(ufl.And(ufl.lt(abs(x[0] - 0.5), 0.05), ufl.lt(abs(x[1] - 0.5), 0.05)),
                     ufl.gt(x[2], 0.9))
    f = ufl.conditional(inside, 1e3, 0.0)
    u_n, uh = fem.Function(V), fem.Function(V)
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    a = fem.form(u * v * ufl.dx + dt * ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx)
    L = fem.form((u_n + dt * f) * v * ufl.dx)
    A = assemble_matrix(a, bcs=[bc])
    A.assemble()
    b = create_vector(L)

    solver = PETSc.KSP().create(comm)
    solver.setOperators(A)
    solver.setType(PETSc.KSP.Type.CG)
    solver.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    solver.setTolerances(rtol=1e-8, atol=0.0, max_it=10000)
    solver.setInitialGuessNonzero(True)
    pc = solver.getPC()
    if config == "jacobi":
        pc.setType(PETSc.PC.Type.JACOBI)
    else:
        pc.setType(PETSc.PC.Type.HYPRE)
        pc.setHYPREType("boomeramg")
        if config == "amg-tuned":
            opts = PETSc.Options()
            opts["pc_hypre_boomeramg_coarsen_type"] = "HMIS"
            opts["pc_hypre_boomeramg_strong_threshold"] = 0.7
            pc.setFromOptions()
    setup = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)

    def step():
        with b.localForm() as local:
            local.set(0)
        assemble_vector(b, L)
        apply_lifting(b, [a], [[bc]])
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        set_bc(b, [bc])
        solver.solve(b, uh.vector)
        if solver.getConvergedReason() <= 0:
            sys.exit(f"CG did not converge: reason {solver.getConvergedReason()}")
        uh.x.scatter_forward()
        u_n.x.array[:] = uh.x.array
        return solver.getIterationNumber()

    start = time.perf_counter()
    first_iterations = step()
    first = comm.allreduce(time.perf_counter() - start, op=MPI.MAX)
    start = time.perf_counter()
    iterations = sum(step() for _ in range(steps - 1))
    per_step = comm.allreduce(time.perf_counter() - start, op=MPI.MAX) / (steps - 1)
    peak = comm.allreduce(uh.x.array.max(initial=0.0), op=MPI.MAX)
    memory = comm.allreduce(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, op=MPI.SUM)
    dofs = V.dofmap.index_map.size_global
    if comm.rank == 0:
        print(f"dolfinx {config} n {n}, ranks {comm.size}, DoFs {dofs}: setup {setup:.4g} s, "
              f"first step {first:.4g} s ({first_iterations} CG its), then {per_step:.4g} s per "
              f"step ({iterations / (steps - 1):.3g} CG its), max T {peak:.6g}, peak memory "
              f"{memory:.1f} MB ({1e6 * memory / dofs:.0f} B/DoF)")


if __name__ == "__main__":
    main()
