# Builds one host of the solution (PROJECT=src/DomainAssistant.Api or src/DomainAssistant.Worker).
# GPU images build with TorchDevice=cuda (docs/build.md) on a CUDA base image instead.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY . .
RUN dotnet publish "$PROJECT" -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
