# A custom Beam SDK container for Dataflow (or any portable runner) with Thresher and
# its pinned dependencies baked in, so workers start without installing anything.
#
#   docker build -t REGION-docker.pkg.dev/PROJECT/thresher/worker:0.1.0 \
#     --build-arg BEAM_VERSION="$(python -c 'import apache_beam; print(apache_beam.__version__)')" \
#     --build-arg PYTHON_VERSION="$(python -c 'import sys; print("%d.%d" % sys.version_info[:2])')" .
#   (docs/DATAFLOW.md, step 4)
#   docker push REGION-docker.pkg.dev/PROJECT/thresher/worker:0.1.0
#   thresher run cfg.yaml --runner dataflow -- \
#     --sdk_container_image=REGION-docker.pkg.dev/PROJECT/thresher/worker:0.1.0 ...
#
# The base image's Beam and Python versions must match the launching machine's (Beam builds the job
# for its own SDK): the build arguments above take them from the launcher's Python, and the install
# below keeps the base's Beam, whatever newer release PyPI has.
ARG PYTHON_VERSION=3.11
ARG BEAM_VERSION=2.78.0
FROM apache/beam_python${PYTHON_VERSION}_sdk:${BEAM_VERSION}
ARG BEAM_VERSION

WORKDIR /opt/thresher
COPY pyproject.toml README.md ./
COPY thresher ./thresher
# The dataflow extra brings gcsfs: workers read inputs and write every result to gs:// through it.
RUN pip install --no-cache-dir '.[dataflow]' "apache-beam[gcp]==${BEAM_VERSION}" && python -c "import gcsfs, thresher.engines.beam.engine"
