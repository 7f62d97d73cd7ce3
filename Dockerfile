# A custom Beam SDK container for Dataflow (or any portable runner) with Thresher and
# its pinned dependencies baked in, so workers start without installing anything.
#
#   docker build -t REGION-docker.pkg.dev/PROJECT/thresher/worker:0.1.0 .   (docs/DATAFLOW.md, step 4)
#   docker push REGION-docker.pkg.dev/PROJECT/thresher/worker:0.1.0
#   thresher run cfg.yaml --runner dataflow -- \
#     --sdk_container_image=REGION-docker.pkg.dev/PROJECT/thresher/worker:0.1.0 ...
#
# The base image's Beam and Python versions must match the launching machine's.
FROM apache/beam_python3.11_sdk:2.77.0

WORKDIR /opt/thresher
COPY pyproject.toml README.md ./
COPY thresher ./thresher
# The dataflow extra brings gcsfs: workers read inputs and write every result to gs:// through it.
RUN pip install --no-cache-dir '.[dataflow]' && python -c "import gcsfs, thresher.engines.beam.engine"
