global using MediaCenter.Testing;
global using Xunit;
