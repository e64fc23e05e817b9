/* Preloaded by scripts/run_sanitizers.sh: OpenMPI unloads its components
   (mca_*.so) in MPI_Finalize, after which LeakSanitizer can neither name
   nor suppress what they allocated. Keeping every library loaded lets
   lsan.supp match them by name. */
int
dlclose(void *handle)
{
  (void)handle;
  return 0;
}
