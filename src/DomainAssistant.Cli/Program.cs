Console.WriteLine("da: the DomainAssistant command line (commands arrive with the model core).");
